import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { Hover, Location, Position } from 'vscode-languageserver/node';
import { regionOf } from '../load/region';
import type { FieldPath } from '../load/types';
import { backendRefs, GATEWAY_GROUP, serviceRefs } from '../model/gateway';
import { ingressBackends, ingressesOf } from '../model/ingress';
import {
  formatSelector,
  parseLabelSelector,
  plainLabels,
  selectorMatches,
  type Selector,
} from '../model/labels';
import type { Model } from '../model/model';
import type { KObject } from '../model/object';
import type { PodTemplate } from '../model/pods';
import { nearest } from '../model/proximity';
import { findServicePort, resolveTargetPort, serviceSelector, servicePorts } from '../model/service-ports';
import { asArray, asRecord, getPath, isRecord } from '../util/values';
import { fileUri, toRange } from './diagnostics';

const NETPOL_GROUP = 'networking.k8s.io';
/** Workloads listed in a hover; more are counted. */
const HOVER_LIMIT = 20;

const startsWith = (path: FieldPath, prefix: FieldPath): boolean =>
  prefix.length <= path.length && prefix.every((step, i) => path[i] === step);

/** The field path of the innermost node at `offset` inside a YAML node. */
function pathAt(node: unknown, offset: number): FieldPath {
  const out: (string | number)[] = [];
  let cur = node;
  for (;;) {
    if (isMap(cur)) {
      const pair = cur.items.find((p) => {
        const k = p.key as Node | null;
        const v = p.value as Node | null;
        const start = k?.range?.[0] ?? v?.range?.[0];
        const end = v?.range?.[1] ?? k?.range?.[1];
        return start !== undefined && end !== undefined && offset >= start && offset <= end;
      });
      if (!pair || !isScalar(pair.key)) return out;
      out.push(String(pair.key.value));
      const k = pair.key as Node;
      if (k.range && offset <= k.range[1]) return out; // on the key itself
      cur = pair.value;
    } else if (isSeq(cur)) {
      const i = cur.items.findIndex((item) => {
        const r = (item as Node | null)?.range;
        return r != null && offset >= r[0] && offset <= r[1];
      });
      if (i < 0) return out;
      out.push(i);
      cur = cur.items[i];
    } else return out;
  }
}

/** A label selector of a NetworkPolicy peer, across the namespaces it names that the input knows. */
function peerPods(model: Model, policy: KObject, peer: unknown): PodTemplate[] {
  const p = asRecord(peer);
  if (!p || p['ipBlock'] !== undefined || policy.namespace === undefined) return [];
  const pods = parseLabelSelector(p['podSelector']);
  if (p['namespaceSelector'] === undefined) return model.selectPods(pods, policy.namespace);
  const nsSel = parseLabelSelector(p['namespaceSelector']);
  const namespaces = new Set([...model.namespaces.keys(), ...model.pods.map((x) => x.namespace)]);
  return [...namespaces]
    .filter((ns) => selectorMatches(nsSel, plainLabels(model.namespaceLabels(ns))))
    .flatMap((ns) => model.selectPods(pods, ns));
}

/** What a position points at: selected workloads, or a Service a backend names. */
interface Target {
  what: string;
  pods?: { selector: Selector; namespace: string; selected: readonly PodTemplate[] };
  service?: { svc: KObject | undefined; name: string; port: number | string | undefined; onPort: boolean };
  targetPort?: { svc: KObject; index: number };
}

/** Hover, go to definition and find references over the model, for a position in one file. */
export class Navigator {
  constructor(
    private readonly model: Model,
    private readonly abs: string,
  ) {}

  private locate(obj: KObject, path: FieldPath): Location | undefined {
    const abs = obj.doc.file.absPath;
    return abs === undefined ? undefined : { uri: fileUri(abs), range: toRange(regionOf(obj.doc, path)) };
  }

  private where(obj: KObject, path: FieldPath): string {
    return `${obj.doc.file.path}:${regionOf(obj.doc, path).startLine}`;
  }

  /** The object of this file at the position, and the field path inside it. */
  private at(pos: Position): { obj: KObject; path: FieldPath } | undefined {
    for (const obj of this.model.objects) {
      if (obj.doc.file.absPath !== this.abs) continue;
      const starts = obj.doc.file.lineCounter.lineStarts;
      const offset = (starts[pos.line] ?? Infinity) + pos.character;
      const doc = obj.doc.ast();
      const root = obj.doc.basePath.length ? doc.getIn(obj.doc.basePath, true) : doc.contents;
      const r = (root as Node | null)?.range;
      if (!r || offset < r[0] || offset > r[1]) continue;
      return { obj, path: pathAt(root, offset) };
    }
    return undefined;
  }

  private target(obj: KObject, path: FieldPath): Target | undefined {
    const m = this.model;
    if (obj.group === '' && obj.kind === 'Service' && obj.namespace !== undefined) {
      const selector = serviceSelector(obj);
      if (selector && startsWith(path, ['spec', 'selector']))
        return {
          what: `Service ${obj.name} selects`,
          pods: { selector, namespace: obj.namespace, selected: m.servicePods(obj) },
        };
      const index = path[2];
      if (startsWith(path, ['spec', 'ports']) && path[3] === 'targetPort' && typeof index === 'number')
        return { what: 'targetPort', targetPort: { svc: obj, index } };
    }
    if (obj.group === NETPOL_GROUP && obj.kind === 'NetworkPolicy' && obj.namespace !== undefined) {
      if (startsWith(path, ['spec', 'podSelector'])) {
        const selector = parseLabelSelector(getPath(obj.raw, ['spec', 'podSelector']));
        return {
          what: `NetworkPolicy ${obj.name} applies to`,
          pods: { selector, namespace: obj.namespace, selected: m.selectPods(selector, obj.namespace) },
        };
      }
      const [, dir, , side, j] = path;
      if (
        (dir === 'ingress' || dir === 'egress') &&
        (side === 'from' || side === 'to') &&
        typeof j === 'number'
      ) {
        const peer = getPath(obj.raw, path.slice(0, 5));
        const selector = parseLabelSelector(asRecord(peer)?.['podSelector']);
        return {
          what: `This peer matches`,
          pods: { selector, namespace: obj.namespace, selected: peerPods(m, obj, peer) },
        };
      }
    }
    const backend = ingressBackends(obj).find((b) => startsWith(path, b.path));
    if (backend?.serviceName !== undefined && obj.namespace !== undefined) {
      const svc = m.getNearest('', 'Service', obj.namespace, backend.serviceName, obj);
      return {
        what: `Backend Service ${backend.serviceName}`,
        service: {
          svc,
          name: backend.serviceName,
          port: backend.port,
          onPort: path.slice(backend.path.length).some((s) => s === 'port' || s === 'servicePort'),
        },
      };
    }
    if (obj.group === GATEWAY_GROUP) {
      const ref = backendRefs(obj).find((b) => startsWith(path, b.path));
      if (ref && ref.group === '' && ref.kind === 'Service') {
        const svc = m.getNearest('', 'Service', ref.namespace, ref.name, obj);
        return {
          what: `Backend Service ${ref.name}`,
          service: { svc, name: ref.name, port: ref.port, onPort: path[path.length - 1] === 'port' },
        };
      }
    }
    return undefined;
  }

  private describePods(pods: NonNullable<Target['pods']>, from: KObject): string[] {
    const { selected, selector, namespace } = pods;
    const shown = selected.filter((p) => p.origin !== 'cluster' || selected.length === 1);
    if (shown.length) {
      const lines = shown
        .slice(0, HOVER_LIMIT)
        .map(
          (p) =>
            `- ${p.owner.kind} **${p.owner.name}** (${p.namespace}) — ${this.where(p.owner, p.labelsPath)}`,
        );
      if (shown.length > HOVER_LIMIT) lines.push(`- …and ${shown.length - HOVER_LIMIT} more`);
      return [`${shown.length} workload${shown.length === 1 ? '' : 's'}:`, ...lines];
    }
    const out = [
      `no workload in the input (selector \`${formatSelector(selector)}\`, namespace ${namespace}).`,
    ];
    // The closest near-miss: a workload sharing a label, nearest by files (as the rules name it).
    const near = this.model.podsSharingLabels(selector, namespace, 50);
    const best = nearest(
      near.map((p) => p.owner),
      from,
    );
    const pod = near.find((p) => p.owner === best);
    if (pod) {
      const labels = [...pod.labels].map(([k, v]) => `${k}=${typeof v === 'string' ? v : '…'}`).join(', ');
      out.push(
        `Closest: ${pod.owner.kind} **${pod.owner.name}** with labels \`${labels}\` — ${this.where(pod.owner, pod.labelsPath)}`,
      );
    }
    return out;
  }

  hover(pos: Position): Hover | null {
    const here = this.at(pos);
    const t = here && this.target(here.obj, here.path);
    if (!here || !t) return null;
    let lines: string[];
    if (t.pods) lines = [`${t.what} ${this.describePods(t.pods, here.obj).join('\n')}`];
    else if (t.service) {
      const { svc } = t.service;
      if (!svc) lines = [`${t.what}: not in the input.`];
      else {
        const selector = serviceSelector(svc);
        lines = [`${t.what} — ${this.where(svc, ['metadata', 'name'])}`];
        if (selector && svc.namespace !== undefined)
          lines.push(
            `selects ${this.describePods({ selector, namespace: svc.namespace, selected: this.model.servicePods(svc) }, svc).join('\n')}`,
          );
        else lines.push('It has no selector: its endpoints are managed outside the input.');
      }
    } else return null;
    return { contents: { kind: 'markdown', value: lines.join('\n\n') } };
  }

  definition(pos: Position): Location[] | null {
    const here = this.at(pos);
    const t = here && this.target(here.obj, here.path);
    if (!t) return null;
    const out: (Location | undefined)[] = [];
    if (t.pods) for (const p of t.pods.selected) out.push(this.locate(p.owner, p.labelsPath));
    if (t.service?.svc) {
      const sp = t.service.onPort ? findServicePort(t.service.svc, t.service.port) : undefined;
      out.push(this.locate(t.service.svc, sp ? sp.path : ['metadata', 'name']));
    }
    if (t.targetPort) {
      const sp = servicePorts(t.targetPort.svc).find((p) => p.index === t.targetPort?.index);
      if (sp)
        for (const pod of this.model.servicePods(t.targetPort.svc)) {
          const r = resolveTargetPort(sp, pod);
          if (r.kind === 'resolved' || r.kind === 'protocol-mismatch')
            out.push(this.locate(pod.owner, r.port.path));
        }
    }
    const found = out.filter((l): l is Location => l !== undefined);
    return found.length ? found : null;
  }

  /** From a workload: the Services, policies, Ingresses and routes that select it or route to it. */
  references(pos: Position): Location[] | null {
    const here = this.at(pos);
    if (!here) return null;
    const m = this.model;
    const pods = m.pods.filter((p) => p.owner === here.obj);
    const out: (Location | undefined)[] = [];
    const services = new Set<KObject>();
    if (pods.length) {
      for (const svc of m.ofKind('', 'Service'))
        if (m.servicePods(svc).some((p) => pods.includes(p))) {
          services.add(svc);
          out.push(this.locate(svc, ['spec', 'selector']));
        }
      for (const np of m.ofKind(NETPOL_GROUP, 'NetworkPolicy')) {
        if (np.namespace === undefined) continue;
        const selector = parseLabelSelector(getPath(np.raw, ['spec', 'podSelector']));
        if (pods.some((p) => p.namespace === np.namespace && selectorMatches(selector, p.labels)))
          out.push(this.locate(np, ['spec', 'podSelector']));
        for (const dir of ['ingress', 'egress'] as const)
          asArray(getPath(np.raw, ['spec', dir])).forEach((rule, i) => {
            const side = dir === 'ingress' ? 'from' : 'to';
            asArray(isRecord(rule) ? rule[side] : undefined).forEach((peer, j) => {
              if (peerPods(m, np, peer).some((p) => pods.includes(p)))
                out.push(this.locate(np, ['spec', dir, i, side, j]));
            });
          });
      }
    } else if (here.obj.group === '' && here.obj.kind === 'Service') services.add(here.obj);
    // Ingresses and routes that send traffic to those Services.
    for (const ing of ingressesOf(m))
      for (const b of ingressBackends(ing)) {
        const svc =
          b.serviceName !== undefined && ing.namespace !== undefined
            ? m.getNearest('', 'Service', ing.namespace, b.serviceName, ing)
            : undefined;
        if (svc && services.has(svc)) out.push(this.locate(ing, b.path));
      }
    for (const ref of serviceRefs(m)) {
      const svc = m.getNearest('', 'Service', ref.namespace, ref.name, ref.route);
      if (svc && services.has(svc)) out.push(this.locate(ref.route, ref.path));
    }
    const found = out.filter((l): l is Location => l !== undefined);
    return found.length ? found : null;
  }
}
