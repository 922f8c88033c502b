// What a Calico selector can select in the input, for the rules that report a selector matching
// nothing: workload endpoints (pods), HostEndpoints, NetworkSets and GlobalNetworkSets. Calico
// matches policy and rule selectors against all of them (Calico docs, NetworkPolicy "selector",
// EntityRule "selector": "Selects (matches) workload endpoints, host endpoints and network sets";
// HostEndpoint "labels" are what host policies select). Everything here errs towards "may match":
// a finding must be provable from the input.
import type { LabelValue } from '../model/labels';
import type { Model } from '../model/model';
import type { KObject } from '../model/object';
import { asArray, asRecord, asString } from '../util/values';
import { CALICO_GROUPS, calicoNetworkSets, readNets, type CalicoNet } from './calico';
import { calicoEndpointLabels, calicoNamespaceLabels } from './calico-labels';
import { evaluate, type CalicoExpr, type CalicoSelector } from './calico-selector';

export interface CalicoHostEndpoint {
  obj: KObject;
  labels: Map<string, LabelValue>;
  /** spec.node, spec.interfaceName ("*" = all interfaces of the host), spec.expectedIPs. */
  node: string | undefined;
  interfaceName: string | undefined;
  expectedIPs: string[];
  /** expectedIPs as host-length nets, for rule matching. */
  nets: CalicoNet[];
}

const hostCache = new WeakMap<Model, CalicoHostEndpoint[]>();

/** The HostEndpoints of the input (Calico docs, HostEndpoint: non-namespaced, selected by labels). */
export function calicoHostEndpoints(model: Model): CalicoHostEndpoint[] {
  let list = hostCache.get(model);
  if (!list) {
    list = CALICO_GROUPS.flatMap((g) => model.ofKind(g, 'HostEndpoint')).map((obj) => {
      const spec = asRecord(obj.raw['spec']) ?? {};
      return {
        obj,
        labels: new Map<string, LabelValue>(Object.entries(obj.labels)),
        node: asString(spec['node']),
        interfaceName: asString(spec['interfaceName']),
        expectedIPs: asArray(spec['expectedIPs']).map(String),
        nets: readNets(spec['expectedIPs'], ['spec', 'expectedIPs'], []),
      };
    });
    hostCache.set(model, list);
  }
  return list;
}

/** The label keys an expression reads. */
export function selectorKeys(e: CalicoExpr): string[] {
  switch (e.op) {
    case 'all':
    case 'global':
      return [];
    case '!':
      return selectorKeys(e.expr);
    case '&&':
    case '||':
      return [...selectorKeys(e.left), ...selectorKeys(e.right)];
    default:
      return [e.key];
  }
}

/**
 * Whether a selector's verdict rests on labels the input may not know: those a namespace passes
 * down (`pcns.`) or a service account does (`pcsa.`), read from objects the input may not hold.
 */
export function readsInheritedLabels(sel: CalicoSelector): boolean {
  return sel.expr !== undefined && selectorKeys(sel.expr).some((k) => /^pc(ns|sa)\./.test(k));
}

/** Whether the selector may be true (maybe counts as true) for these labels. */
function mayMatch(sel: CalicoSelector, labels: ReadonlyMap<string, LabelValue>, global = false): boolean {
  return sel.expr !== undefined && evaluate(sel.expr, labels, { global }) !== 'no';
}

/**
 * Whether anything of the input in `namespaces` may match the selector: a pod there (host-network
 * pods included, to stay on the safe side), a NetworkSet there; and, whatever the namespaces, any
 * HostEndpoint or GlobalNetworkSet (non-namespaced, so their reach does not depend on the scope).
 */
export function anythingMatches(model: Model, sel: CalicoSelector, namespaces: readonly string[]): boolean {
  if (namespaces.some((ns) => model.podsIn(ns).some((p) => mayMatch(sel, calicoEndpointLabels(model, p)))))
    return true;
  if (calicoHostEndpoints(model).some((h) => mayMatch(sel, h.labels, true))) return true;
  return calicoNetworkSets(model).some(
    (s) =>
      (s.namespace === undefined || namespaces.includes(s.namespace)) &&
      mayMatch(sel, s.labels, s.namespace === undefined),
  );
}

/** Namespaces of the input a namespaceSelector may select (maybe counts). */
export function namespacesSelected(model: Model, sel: CalicoSelector): string[] {
  return [...model.namespaces.keys()].filter((ns) => mayMatch(sel, calicoNamespaceLabels(model, ns)));
}

/**
 * Namespaces a selector names through `projectcalico.org/namespace == / in`, at the top level of
 * an `&&` chain; undefined when it does not limit them.
 */
export function namespacesNamed(e: CalicoExpr): string[] | undefined {
  if (e.op === '==' && e.key === 'projectcalico.org/namespace') return [e.value];
  if (e.op === 'in' && e.key === 'projectcalico.org/namespace') return [...e.values];
  if (e.op === '&&') {
    const l = namespacesNamed(e.left);
    const r = namespacesNamed(e.right);
    if (l && r) return l.filter((n) => r.includes(n));
    return l ?? r;
  }
  return undefined;
}
