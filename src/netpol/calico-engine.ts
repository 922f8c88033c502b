// The policy engine's second mode: Calico's ordered, first-match evaluation, used as soon as the
// input holds a Calico policy (Kubernetes NetworkPolicies then take part as Calico enforces them).
//
// "When a new connection is processed by Calico, each tier that contains a policy that applies to
// the endpoint processes the packet. Tiers are sorted by their order - smallest number first.
// Policies in each Tier are then processed in order. If a NetworkPolicy or GlobalNetworkPolicy in
// the Tier Allows or Denys the packet, then evaluation is done ... If a NetworkPolicy or
// GlobalNetworkPolicy in the Tier Passes the packet, the next Tier containing a Policy that applies
// to the endpoint processes the packet. If the Tier applies to the endpoint, but takes no action on
// the packet the packet is dropped" unless the tier's defaultAction is Pass (Calico docs, Tier).
// Policies without order come last, ties broken by name (Calico docs, NetworkPolicy `order`). An
// endpoint no policy applies to falls through to its namespace profile, which allows everything;
// so does traffic passed on by the last tier.
import type { Model } from '../model/model';
import type { PodTemplate } from '../model/pods';
import { containsIp } from '../net/cidr';
import { ConnSet } from '../net/conns';
import {
  K8S_POLICY_ORDER,
  calicoNetworkSets,
  calicoTiers,
  protocolName,
  type CalicoEntity,
  type CalicoPort,
  type CalicoTier,
} from './calico';
import {
  calicoEndpointLabels,
  calicoNamespaceLabels,
  serviceAccountLabels,
  serviceAccountOf,
} from './calico-labels';
import { calicoHostEndpoints } from './calico-endpoints';
import { calicoMatches, evaluate, type CalicoSelector } from './calico-selector';
import type { Direction, Endpoint, PolicyEngine, SideConns, SideDecision, Traffic } from './engine';
import type { Policy, PolicyRule } from './policy';

/**
 * Pods a Calico policy applies to (host-network pods are host endpoints, not workload endpoints;
 * untracked and pre-DNAT policies apply to host endpoints only).
 */
export function calicoSubjects(model: Model, policy: Policy): PodTemplate[] {
  const info = policy.calico;
  if (!info || policy.selectsNodes) return [];
  const candidates = policy.clusterWide ? model.pods : model.podsIn(policy.namespace);
  return candidates.filter((p) => {
    if (p.hostNetwork) return false;
    if (!calicoMatches(info.selector, calicoEndpointLabels(model, p))) return false;
    if (info.namespaceSelector && !namespaceSelected(model, policy, info.namespaceSelector, p.namespace))
      return false;
    if (info.serviceAccountSelector) {
      const labels = serviceAccountLabels(model, p.namespace, serviceAccountOf(p));
      // A service account the input does not define has labels we cannot know.
      if (labels && !calicoMatches(info.serviceAccountSelector, labels)) return false;
    }
    return true;
  });
}

function namespaceSelected(model: Model, policy: Policy, sel: CalicoSelector, namespace: string): boolean {
  // An empty namespaceSelector keeps a namespaced policy's rule in its own namespace; in a global
  // policy it selects every namespace.
  if (sel.text.trim() === '') return policy.clusterWide || namespace === policy.namespace;
  return calicoMatches(sel, calicoNamespaceLabels(model, namespace));
}

/** Where the rule's selectors look: the policy's namespace, selected namespaces, or everywhere. */
function inScope(model: Model, policy: Policy, e: CalicoEntity, namespace: string | undefined): boolean {
  if (e.namespaceSelector) {
    if (namespace === undefined)
      return (
        e.namespaceSelector.expr !== undefined &&
        evaluate(e.namespaceSelector.expr, new Map(), { global: true }) !== 'no'
      );
    return namespaceSelected(model, policy, e.namespaceSelector, namespace);
  }
  return policy.clusterWide || namespace === policy.namespace;
}

/** Whether an entity (a rule's source or destination) matches an endpoint. */
export function entityMatches(engine: PolicyEngine, policy: Policy, e: CalicoEntity, ep: Endpoint): boolean {
  const model = engine.model;
  const selects =
    e.selector !== undefined || e.namespaceSelector !== undefined || e.serviceAccounts !== undefined;
  if (ep.kind === 'pod') {
    const pod = ep.pod;
    const covers = (n: CalicoEntity['nets'][number]) =>
      engine.ipBlockCoversPods({ kind: 'ipBlock', cidr: n.cidr, cidrText: n.text, except: [], path: n.path });
    if (e.nets.length && !e.nets.some(covers)) return false;
    if (e.notNets.some(covers)) return false;
    if (selects && !inScope(model, policy, e, pod.namespace)) return false;
    const labels = calicoEndpointLabels(model, pod);
    if (e.selector && !calicoMatches(e.selector, labels)) return false;
    if (e.notSelector?.expr && evaluate(e.notSelector.expr, labels) === 'yes') return false;
    if (e.serviceAccounts) {
      const sa = serviceAccountOf(pod);
      if (e.serviceAccounts.names.length && !e.serviceAccounts.names.includes(sa)) return false;
      const saLabels = serviceAccountLabels(model, pod.namespace, sa);
      if (e.serviceAccounts.selector && saLabels && !calicoMatches(e.serviceAccounts.selector, saLabels))
        return false;
    }
    if (e.services) {
      const ns = e.services.namespace ?? policy.namespace;
      const svc = model.ofKind('', 'Service').find((s) => s.namespace === ns && s.name === e.services?.name);
      if (!svc || !model.servicePods(svc).includes(pod)) return false;
    }
    return true;
  }
  if (e.services || e.serviceAccounts) return false;
  if (ep.kind === 'entity')
    return !selects && (e.nets.length === 0 || e.nets.some((n) => n.cidr?.prefix === 0));
  const within = (n: CalicoEntity['nets'][number]) =>
    n.cidr !== undefined &&
    (ep.kind === 'ip'
      ? containsIp(n.cidr, ep.family, ep.ip)
      : containsIp(n.cidr, ep.family, ep.first) && containsIp(n.cidr, ep.family, ep.last));
  if (e.nets.length && !e.nets.some(within)) return false;
  if (e.notNets.some(within)) return false;
  if (!selects) return true;
  // A selector reaches addresses through the NetworkSets (GlobalNetworkSets) it selects...
  if (
    calicoNetworkSets(model).some(
      (set) =>
        set.nets.some(within) &&
        inScope(model, policy, e, set.namespace) &&
        (!e.selector || calicoMatches(e.selector, set.labels, { global: set.namespace === undefined })),
    )
  )
    return true;
  // ...and through the HostEndpoints it selects. A rule selector becomes a set of addresses, and
  // for a host endpoint those are its expectedIPs only: an endpoint given by interfaceName alone
  // contributes no address to rule matching (Calico docs, HostEndpoint spec.expectedIPs).
  // HostEndpoints are non-namespaced: only a global policy, or a namespaceSelector that reaches
  // non-namespaced endpoints (global()), selects them.
  return calicoHostEndpoints(model).some(
    (h) =>
      h.nets.some(within) &&
      inScope(model, policy, e, undefined) &&
      (!e.selector || calicoMatches(e.selector, h.labels, { global: true })),
  );
}

function portsConns(protocol: string, ports: CalicoPort[], destination: Endpoint): ConnSet {
  let out = ConnSet.none();
  for (const p of ports) {
    if (!('name' in p)) {
      out = out.union(ConnSet.of(protocol, p.first, p.last));
      continue;
    }
    if (destination.kind !== 'pod') continue;
    for (const c of destination.pod.containers)
      for (const cp of c.ports)
        if (
          c.role !== 'init' &&
          cp.name === p.name &&
          cp.protocol === protocol &&
          cp.containerPort !== undefined
        )
          out = out.union(ConnSet.of(protocol, cp.containerPort, cp.containerPort));
  }
  return out;
}

/** The connections a Calico rule's protocol and destination ports match (named ports resolve on the destination). */
export function calicoRuleConns(rule: PolicyRule, destination: Endpoint): ConnSet {
  const r = rule.calico;
  if (!r) return ConnSet.none();
  const protocol = protocolName(r.protocol);
  // ICMP and other protocols carry no ports: no TCP/UDP/SCTP connection matches them.
  let conns = protocol === undefined ? ConnSet.all() : ConnSet.of(protocol);
  const notProtocol = protocolName(r.notProtocol);
  if (notProtocol) conns = conns.minus(ConnSet.of(notProtocol));
  const proto = protocol ?? 'TCP';
  if (r.destination.ports) conns = conns.intersect(portsConns(proto, r.destination.ports, destination));
  if (r.destination.notPorts) conns = conns.minus(portsConns(proto, r.destination.notPorts, destination));
  // A client's source port is ephemeral: a rule on source ports is taken not to match connections.
  if (r.source.ports) return ConnSet.none();
  return conns;
}

export type StepAction =
  'Allow' | 'Deny' | 'Pass' | 'tier default Deny' | 'tier default Pass' | 'profile Allow';

/** One decision taken on part of the traffic, in evaluation order. */
export interface Step {
  tier: string;
  policy: Policy | undefined;
  rule: PolicyRule | undefined;
  action: StepAction;
  conns: ConnSet;
}

function tierOf(policy: Policy): string {
  return policy.calico?.tier ?? 'default';
}

function orderOf(policy: Policy): number | undefined {
  return policy.calico ? policy.calico.order : K8S_POLICY_ORDER;
}

function nameOf(policy: Policy): string {
  return policy.calico?.sortName ?? `${policy.namespace}/knp.default.${policy.obj.name}`;
}

/** Lower order first, no order last, ties by name (Calico docs, NetworkPolicy and Tier `order`). */
function byOrder<T>(order: (x: T) => number | undefined, name: (x: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const oa = order(a) ?? Infinity;
    const ob = order(b) ?? Infinity;
    if (oa !== ob) return oa < ob ? -1 : 1;
    return name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0;
  };
}

export function sortPolicies(policies: readonly Policy[]): Policy[] {
  return [...policies].sort(byOrder(orderOf, nameOf));
}

/** Tiers in evaluation order, each with the given policies it holds, in order. */
export function tiered(
  model: Model,
  policies: readonly Policy[],
): { tier: CalicoTier; policies: Policy[] }[] {
  const tiers = calicoTiers(model);
  const groups = new Map<string, Policy[]>();
  for (const p of policies) groups.set(tierOf(p), [...(groups.get(tierOf(p)) ?? []), p]);
  return [...groups.entries()]
    .map(([name, list]) => ({
      // A policy in a tier the input does not define: evaluated last, denying at its end.
      tier: tiers.get(name) ?? { name, order: undefined, defaultAction: 'Deny' as const, obj: undefined },
      policies: sortPolicies(list),
    }))
    .sort(
      byOrder(
        (g) => g.tier.order,
        (g) => g.tier.name,
      ),
    );
}

/** Tier order of the engine's shared isolating lists, sorted once per list rather than once per connection. */
const tierCache = new WeakMap<readonly Policy[], ReturnType<typeof tiered>>();

function tieredOnce(model: Model, isolatedBy: readonly Policy[]): ReturnType<typeof tiered> {
  let t = tierCache.get(isolatedBy);
  if (!t) tierCache.set(isolatedBy, (t = tiered(model, isolatedBy)));
  return t;
}

function ruleTakes(
  engine: PolicyEngine,
  policy: Policy,
  rule: PolicyRule,
  pod: PodTemplate,
  direction: Direction,
  other: Endpoint,
  destination: Endpoint,
): ConnSet {
  if (!rule.calico) {
    // A Kubernetes NetworkPolicy rule: its peers and ports, allowing.
    if (rule.peers !== undefined && !rule.peers.some((p) => engine.peerMatches(policy, p, other)))
      return ConnSet.none();
    return engine.ruleConns(rule, destination);
  }
  const far = direction === 'egress' ? rule.calico.destination : rule.calico.source;
  const near = direction === 'egress' ? rule.calico.source : rule.calico.destination;
  if (!entityMatches(engine, policy, far, other)) return ConnSet.none();
  if (!entityMatches(engine, policy, near, { kind: 'pod', pod })) return ConnSet.none();
  return calicoRuleConns(rule, destination);
}

/** Walks the tiers for the connections `start`; every step says what it decided for which part. */
export function walk(
  engine: PolicyEngine,
  pod: PodTemplate,
  direction: Direction,
  other: Endpoint,
  destination: Endpoint,
  start: ConnSet,
): { steps: Step[]; allowed: ConnSet; isolatedBy: readonly Policy[] } {
  const isolatedBy = engine.isolating(pod, direction);
  const steps: Step[] = [];
  let allowed = ConnSet.none();
  let pending = start;
  for (const { tier, policies } of tieredOnce(engine.model, isolatedBy)) {
    let inTier = pending;
    let passed = ConnSet.none();
    for (const policy of policies) {
      for (const rule of direction === 'ingress' ? policy.ingressRules : policy.egressRules) {
        if (inTier.isEmpty()) break;
        const action = rule.calico ? rule.calico.action : 'Allow';
        if (action === 'Log') continue;
        const m = ruleTakes(engine, policy, rule, pod, direction, other, destination).intersect(inTier);
        if (m.isEmpty()) continue;
        inTier = inTier.minus(m);
        if (action === 'Allow') allowed = allowed.union(m);
        if (action === 'Pass') passed = passed.union(m);
        steps.push({ tier: tier.name, policy, rule, action: action as StepAction, conns: m });
      }
    }
    if (!inTier.isEmpty()) {
      steps.push({
        tier: tier.name,
        policy: undefined,
        rule: undefined,
        action: tier.defaultAction === 'Pass' ? 'tier default Pass' : 'tier default Deny',
        conns: inTier,
      });
      if (tier.defaultAction === 'Pass') passed = passed.union(inTier);
    }
    pending = passed;
    if (pending.isEmpty()) break;
  }
  if (!pending.isEmpty()) {
    allowed = allowed.union(pending);
    if (isolatedBy.length)
      steps.push({ tier: '', policy: undefined, rule: undefined, action: 'profile Allow', conns: pending });
  }
  return { steps, allowed, isolatedBy };
}

/** One line per step: `tier security: GlobalNetworkPolicy x egress rule 0: Pass`. */
export function describeStep(s: Step): string {
  if (s.action === 'profile Allow') return 'passed by every tier: the namespace profile allows';
  const where = s.policy
    ? `${s.policy.obj.id} ${s.rule?.direction ?? ''} rule ${s.rule?.index ?? 0}`
    : 'no rule matched';
  return `tier ${s.tier}: ${where}: ${s.action}`;
}

export function orderedDecide(
  engine: PolicyEngine,
  pod: PodTemplate,
  direction: Direction,
  other: Endpoint,
  t: Traffic,
  destination: Endpoint,
): SideDecision {
  const { steps, allowed, isolatedBy } = walk(
    engine,
    pod,
    direction,
    other,
    destination,
    ConnSet.of(t.protocol, t.port, t.port),
  );
  const last = steps[steps.length - 1];
  const ok = allowed.has(t.protocol, t.port);
  const decider = [...steps]
    .reverse()
    .find((s) => s.policy && s.rule && (s.action === 'Allow' || s.action === 'Deny'));
  return {
    allowed: ok,
    isolatedBy,
    allowedBy:
      ok && decider?.action === 'Allow' && decider.policy && decider.rule
        ? { policy: decider.policy, rule: decider.rule }
        : undefined,
    deniedBy:
      !ok && last?.action === 'Deny' && last.policy && last.rule
        ? { policy: last.policy, rule: last.rule }
        : undefined,
    trail: steps.map(describeStep),
  };
}

export function orderedConns(
  engine: PolicyEngine,
  pod: PodTemplate,
  direction: Direction,
  other: Endpoint,
  destination: Endpoint,
): SideConns {
  const { steps, allowed, isolatedBy } = walk(engine, pod, direction, other, destination, ConnSet.all());
  const ruled = (a: StepAction) =>
    steps.flatMap((s) => (s.action === a && s.policy && s.rule ? [{ policy: s.policy, rule: s.rule }] : []));
  return {
    conns: allowed,
    isolatedBy,
    allowedBy: ruled('Allow'),
    deniedBy: ruled('Deny'),
    trail: steps.map((s) => `${describeStep(s)} (${s.conns.toString()})`),
  };
}
