// Every place the rules read a CIDR or an IP from, as one list.
import type { FieldPath } from '../../src/load/types';
import type { Model } from '../../src/model/model';
import type { KObject } from '../../src/model/object';
import { policiesOf } from '../../src/netpol/policy';
import { asArray, asRecord, asString } from '../../src/util/values';
import { declaredIps, declaredRanges } from '../../src/net/ranges';

export interface AddressField {
  text: string;
  kind: 'cidr' | 'ip';
  object: KObject;
  path: FieldPath;
  /** The whole text of the field: several ranges may share one comma-separated field. */
  fieldText: string;
  source: string;
}

const cache = new WeakMap<Model, AddressField[]>();

/** Every CIDR and IP field of the input; collected once per model. */
export function addressFields(model: Model): AddressField[] {
  const cached = cache.get(model);
  if (cached) return cached;
  const out: AddressField[] = [];
  cache.set(model, out);
  for (const policy of policiesOf(model)) {
    for (const rule of [...policy.ingressRules, ...policy.egressRules]) {
      for (const peer of rule.peers ?? []) {
        if (peer.kind !== 'ipBlock') continue;
        const where = `NetworkPolicy ${policy.obj.name} ipBlock`;
        out.push({
          text: peer.cidrText,
          kind: 'cidr',
          object: policy.obj,
          path: [...peer.path, 'cidr'],
          fieldText: peer.cidrText,
          source: `${where} cidr`,
        });
        for (const e of peer.except)
          out.push({
            text: e.text,
            kind: 'cidr',
            object: policy.obj,
            path: e.path,
            fieldText: e.text,
            source: `${where} except`,
          });
      }
    }
  }
  for (const svc of model.ofKind('', 'Service')) {
    const spec = asRecord(svc.raw['spec']) ?? {};
    for (const [field, kind] of [
      ['loadBalancerSourceRanges', 'cidr'],
      ['externalIPs', 'ip'],
    ] as const) {
      asArray(spec[field]).forEach((v, i) => {
        const t = String(v);
        out.push({
          text: t,
          kind,
          object: svc,
          path: ['spec', field, i],
          fieldText: t,
          source: `Service ${svc.name} ${field}`,
        });
      });
    }
  }
  for (const ip of declaredIps(model))
    out.push({
      text: ip.text,
      kind: 'ip',
      object: ip.object,
      path: ip.path,
      fieldText: ip.text,
      source: ip.source,
    });
  for (const r of declaredRanges(model)) {
    const fieldText = asString(pathValue(r.object, r.path)) ?? r.text;
    out.push({ text: r.text, kind: 'cidr', object: r.object, path: r.path, fieldText, source: r.source });
  }
  return out;
}

function pathValue(obj: KObject, path: FieldPath): unknown {
  let v: unknown = obj.raw;
  for (const step of path) {
    if (typeof step === 'number') v = Array.isArray(v) ? v[step] : undefined;
    else v = asRecord(v)?.[step];
  }
  return v;
}
