// ReferenceGrant: the target namespace's consent to references from another namespace (Gateway
// API, apis/v1beta1/referencegrant_types.go). A reference from `from` (kind in the Gateway API
// group, in its namespace) to `to` is permitted when a ReferenceGrant in `to`'s namespace lists
// both; a `to` entry without a name allows every object of that group and kind.
import { asArray, asRecord, asString, isRecord } from '../util/values';
import { GATEWAY_GROUP } from './gateway';
import type { Model } from './model';
import type { KObject } from './object';

export interface GrantFrom {
  kind: string;
  namespace: string;
}

export interface GrantTo {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

export function referenceGrants(model: Model): readonly KObject[] {
  return model.ofKind(GATEWAY_GROUP, 'ReferenceGrant');
}

export function referenceGranted(model: Model, from: GrantFrom, to: GrantTo): boolean {
  return referenceGrants(model).some((g) => {
    if (g.namespace !== to.namespace) return false;
    const spec = asRecord(g.raw['spec']) ?? {};
    const fromOk = asArray(spec['from']).some(
      (f) =>
        isRecord(f) &&
        asString(f['group']) === GATEWAY_GROUP &&
        asString(f['kind']) === from.kind &&
        asString(f['namespace']) === from.namespace,
    );
    const toOk = asArray(spec['to']).some(
      (t) =>
        isRecord(t) &&
        (asString(t['group']) ?? '') === to.group &&
        asString(t['kind']) === to.kind &&
        (asString(t['name']) ?? to.name) === to.name,
    );
    return fromOk && toOk;
  });
}
