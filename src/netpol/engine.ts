// Policy evaluation over the model: which policies isolate a pod, and whether a connection is
// allowed, by which rule, or why not. One evaluator for the lint rules and every later user, over
// every dialect (Kubernetes NetworkPolicy, Cilium) read into one Policy shape (policy.ts).
//
// How dialects combine follows Cilium, which enforces both: a pod is in default deny in a direction
// when any policy selecting it asks for it; traffic is then allowed when any allow rule of any
// policy selecting it matches; a matching deny rule drops it whatever allows it ("Deny policies take
// precedence over allow policies, regardless of whether they are a Cilium Network Policy, a
// Clusterwide Cilium Network Policy or even a Kubernetes Network Policy", Cilium docs, Deny Policies).
import type { ClusterSettings } from '../config/types';
import {
  requirementMatches,
  selectorMatches,
  type PodLabels,
  type Requirement,
  type Selector,
} from '../model/labels';
import type { Model } from '../model/model';
import type { PodTemplate } from '../model/pods';
import { contains, containsIp, parseCidr, parseIp, type Cidr, type Family } from '../net/cidr';
import { ConnSet } from '../net/conns';
import { endpointLabels } from './cilium-labels';
import { enforcementMode } from './cilium-mode';
import { allPoliciesOf } from './dialects';
import { NamespaceIndex } from './namespace-index';
import { calicoSubjects, orderedConns, orderedDecide } from './calico-engine';
import { calicoEndpointLabels } from './calico-labels';
import type { Peer, Policy, PolicyRule, PortSpec } from './policy';

export type Direction = 'ingress' | 'egress';

/** Names of what PolicyEngine.perList keeps per policy list, per direction (no string built per call). */
const KEYS = {
  ingress: {
    isolating: 'isolating ingress',
    applying: 'applying ingress',
    requires: 'requires ingress',
    requiresDeny: 'requires ingress deny',
  },
  egress: {
    isolating: 'isolating egress',
    applying: 'applying egress',
    requires: 'requires egress',
    requiresDeny: 'requires egress deny',
  },
} as const;

export type IpEndpoint = Extract<Endpoint, { kind: 'ip' }>;

/** An address as a destination or source the engine can ask about; undefined when `text` is no IP address. */
export function ipEndpoint(text: string): IpEndpoint | undefined {
  const ip = parseIp(text);
  return ip && { kind: 'ip', family: ip.family, ip: ip.value, text };
}

/** The policy list of a pod no policy selects. */
const NO_POLICIES: readonly Policy[] = [];

export type Endpoint =
  | { kind: 'pod'; pod: PodTemplate }
  | { kind: 'ip'; family: Family; ip: bigint; text: string }
  /** A range of addresses no ipBlock boundary cuts: every block contains all of it or none. */
  | { kind: 'range'; family: Family; first: bigint; last: bigint; text: string }
  /** A Cilium entity that is no pod: kube-apiserver, host, remote-node, world... */
  | { kind: 'entity'; entity: string };

/** Entities a `cluster` peer covers besides the pods ("cluster: logical group of all network
 * endpoints inside of the local cluster", Cilium docs, Entities Based). */
const CLUSTER_ENTITIES = new Set([
  'host',
  'remote-node',
  'kube-apiserver',
  'health',
  'init',
  'ingress',
  'unmanaged',
]);

/** Whether entity peer `peer` covers the entity `other`. */
function entityCovers(peer: string, other: string): boolean {
  if (peer === other || peer === 'all') return other !== 'none';
  if (peer === 'cluster') return CLUSTER_ENTITIES.has(other);
  if (peer === 'world-ipv4' || peer === 'world-ipv6') return other === 'world';
  return false;
}

export interface EngineOptions {
  /**
   * Whether an ipBlock can match pod addresses. The API leaves it to the implementation ("These
   * should be cluster-external IPs, since Pod IPs are ephemeral and unpredictable", NetworkPolicy
   * concepts). `all-addresses` (lint rules): a block of every address, or one containing a configured
   * pod CIDR, covers pods, so no rule reports what some CNIs allow. `never` (the connectivity map):
   * ipBlocks select external addresses only, as netpol-analyzer reads them.
   */
  ipBlocksCoverPods: 'all-addresses' | 'never';
}

/** The allowed connections of one direction, and what decided them. */
export interface SideConns {
  conns: ConnSet;
  isolatedBy: readonly Policy[];
  /** Rules that contributed to `conns` (none when not isolated). */
  allowedBy: { policy: Policy; rule: PolicyRule }[];
  /** Deny rules that took connections away (they win over every allow). */
  deniedBy: { policy: Policy; rule: PolicyRule }[];
  /** Calico's ordered mode: each tier, policy and rule that decided part of the traffic, in order. */
  trail?: string[];
}

export interface Traffic {
  protocol: string;
  port: number;
}

export interface SideDecision {
  allowed: boolean;
  /** Policies that select the pod for this direction; empty means not isolated (allowed). */
  isolatedBy: readonly Policy[];
  /** The rule that allows the traffic, when isolated and allowed. */
  allowedBy: { policy: Policy; rule: PolicyRule } | undefined;
  /** The deny rule that drops the traffic, if one matches. */
  deniedBy?: { policy: Policy; rule: PolicyRule } | undefined;
  /** Calico's ordered mode: the tiers, policies and rules (Pass included) that led to the decision. */
  trail?: string[];
}

export interface Decision {
  allowed: boolean;
  egress: SideDecision;
  ingress: SideDecision;
}

export class PolicyEngine {
  readonly policies: readonly Policy[];
  private readonly byPod = new Map<PodTemplate, Policy[]>();
  private readonly podCidrs: Cidr[];
  private readonly selected = new Map<Policy, PodTemplate[]>();
  private readonly nsCache = new Map<string, Set<string>>();
  private readonly bySelector = new WeakMap<Selector, Set<string>>();
  /** Built on the first namespaceSelector. */
  private nsIndex: NamespaceIndex | undefined;
  private readonly namespaceLists = new WeakMap<Set<string>, readonly string[]>();
  private readonly serviceCache = new WeakMap<Peer, readonly PodTemplate[]>();
  private readonly podIds = new Map<PodTemplate, number>();
  /** Per policy list (byPod's values, shared): what is derived from it alone, by name. */
  private readonly derived = new WeakMap<readonly Policy[], Map<string, unknown>>();
  /** Cilium's enable-policy "never": no policy is enforced, Kubernetes NetworkPolicies included. */
  private readonly enforced: boolean;
  /**
   * Calico's ordered first-match evaluation (calico-engine.ts) instead of the allow-union, as soon
   * as the input holds a Calico policy: Kubernetes NetworkPolicies then sit in Calico's default tier.
   */
  readonly ordered: boolean;

  constructor(
    readonly model: Model,
    cluster: ClusterSettings,
    policies: readonly Policy[] = allPoliciesOf(model),
    readonly options: EngineOptions = { ipBlocksCoverPods: 'all-addresses' },
  ) {
    this.policies = policies;
    this.enforced = enforcementMode(model).mode !== 'never';
    this.ordered = policies.some((p) => p.dialect === 'calico');
    this.podCidrs = cluster.podCIDRs.flatMap((c) => parseCidr(c) ?? []);
    for (const policy of policies) {
      const pods = this.subjects(policy);
      this.selected.set(policy, pods);
      for (const pod of pods) {
        const list = this.byPod.get(pod);
        if (list) list.push(policy);
        else this.byPod.set(pod, [policy]);
      }
    }
    // Pods the same policies select share one list: what depends on the list alone (isolation,
    // tier order, egress decisions) is then worked out once per list, not once per pod. Many pods
    // of a namespace share their policies, and copies of one object (overlays) share everything.
    const index = new Map(policies.map((p, i) => [p, i]));
    const lists = new Map<string, Policy[]>();
    for (const [pod, list] of this.byPod) {
      const key = list.map((p) => index.get(p)).join(',');
      const shared = lists.get(key);
      if (shared) this.byPod.set(pod, shared);
      else lists.set(key, list);
    }
  }

  private subjects(policy: Policy): PodTemplate[] {
    // "Selects the pods to which this NetworkPolicy object applies ... An empty podSelector
    // selects all pods in this namespace." (API reference, NetworkPolicySpec.podSelector)
    if (policy.dialect === 'kubernetes') return this.model.selectPods(policy.podSelector, policy.namespace);
    if (policy.dialect === 'calico') return calicoSubjects(this.model, policy);
    // A Cilium nodeSelector selects nodes (host policies), and host-network pods are part of the
    // host endpoint, not endpoints of their own: an endpointSelector never selects them.
    if (policy.selectsNodes) return [];
    const candidates = policy.clusterWide ? this.model.pods : this.model.podsIn(policy.namespace);
    return candidates.filter(
      (p) => !p.hostNetwork && selectorMatches(policy.podSelector, endpointLabels(this.model, p)),
    );
  }

  /** Pods a policy applies to. */
  podsSelectedBy(policy: Policy): readonly PodTemplate[] {
    return this.selected.get(policy) ?? [];
  }

  /**
   * Pods a selector peer of `policy` selects, found through the label index rather than by testing
   * every pod (an egress allow-list per namespace would otherwise make this quadratic). ipBlock
   * peers select addresses, not pods: none.
   */
  podsMatchingPeer(policy: Policy, peer: Peer): PodTemplate[] {
    if (peer.kind === 'endpoints' || peer.kind === 'entity' || peer.kind === 'service')
      return this.model.pods.filter((p) => this.peerMatchesPod(policy, peer, p));
    if (peer.kind !== 'pods') return [];
    const nsSel = peer.namespaceSelector;
    if (peer.podSelector && peer.podSelector.requirements.length) {
      const inNamespace = nsSel
        ? (ns: string) => this.namespaceMatches(nsSel, ns)
        : (ns: string) => ns === policy.namespace;
      return this.model.selectPodsAnywhere(peer.podSelector).filter((p) => inNamespace(p.namespace));
    }
    const namespaces = nsSel ? [...this.matchingNamespaces(nsSel)] : [policy.namespace];
    return namespaces.flatMap((ns) => [...this.model.podsIn(ns)]);
  }

  /** Policies that select the pod and isolate it in this direction (one array per policy list: do not change it). */
  isolating(pod: PodTemplate, direction: Direction): readonly Policy[] {
    return this.perList(pod, KEYS[direction].isolating, (list) =>
      list.filter((p) => (direction === 'ingress' ? p.ingress : p.egress)),
    );
  }

  /**
   * Policies whose rules of this direction apply to the pod. A Kubernetes policy's rules count only
   * for the policyTypes it has; a Cilium rule's allows count even with enableDefaultDeny off ("this
   * policy will not put the endpoint in default deny", but what it allows is still allowed).
   */
  applying(pod: PodTemplate, direction: Direction): readonly Policy[] {
    return this.perList(pod, KEYS[direction].applying, (list) =>
      list.filter(
        (p) => (p.dialect === 'cilium' && !this.ordered) || (direction === 'ingress' ? p.ingress : p.egress),
      ),
    );
  }

  /** Something derived from the pod's policy list alone, computed once per list (see the constructor). */
  private perList<T>(pod: PodTemplate, what: string, derive: (list: readonly Policy[]) => T): T {
    const list = this.enforced ? (this.byPod.get(pod) ?? NO_POLICIES) : NO_POLICIES;
    let derived = this.derived.get(list);
    if (!derived) this.derived.set(list, (derived = new Map()));
    if (derived.has(what)) return derived.get(what) as T;
    const value = derive(list);
    derived.set(what, value);
    return value;
  }

  /** Whether a pod peer of `policy` matches a pod. */
  peerMatchesPod(policy: Policy, peer: Peer, pod: PodTemplate): boolean {
    switch (peer.kind) {
      case 'ipBlock':
        return this.ipBlockCoversPods(peer);
      case 'endpoints':
        return !pod.hostNetwork && selectorMatches(peer.selector, endpointLabels(this.model, pod));
      case 'entity':
        // Host-network pods have the host's identity.
        return pod.hostNetwork
          ? entityCovers(peer.entity, 'host')
          : peer.entity === 'all' || peer.entity === 'cluster';
      case 'service':
        return this.servicePeerPods(peer).includes(pod);
      // "CIDR rules do not apply to traffic where both sides of the connection are either managed
      // by Cilium or use an IP belonging to a node in the cluster" (Cilium docs, CIDR based); FQDN
      // addresses are learnt at run time; nodes are not pods.
      case 'cidr':
      case 'fqdn':
      case 'nodes':
      case 'unresolved':
        return false;
      case 'pods':
        break;
    }
    // "If namespaceSelector is also set, then the NetworkPolicyPeer as a whole selects the pods
    // matching podSelector in the Namespaces selected by NamespaceSelector. Otherwise it selects
    // the pods matching podSelector in the policy's own namespace." (NetworkPolicyPeer)
    if (peer.namespaceSelector === undefined) {
      if (pod.namespace !== policy.namespace) return false;
    } else if (!this.namespaceMatches(peer.namespaceSelector, pod.namespace)) return false;
    return peer.podSelector === undefined || selectorMatches(peer.podSelector, pod.labels);
  }

  /**
   * Namespaces a namespaceSelector selects. Many policies carry the same selector (every namespace's
   * allow-dns policy selects all namespaces): each distinct selector is evaluated once.
   */
  private matchingNamespaces(sel: Selector): Set<string> {
    const known = this.bySelector.get(sel);
    if (known) return known;
    const key = sel.requirements
      .map((r) => `${r.key}\u0000${r.operator}\u0000${r.values.join('\u0001')}`)
      .join('\u0002');
    let set = this.nsCache.get(key);
    if (!set) {
      this.nsIndex ??= new NamespaceIndex(this.model.namespaces);
      set = this.nsIndex.select(sel);
      this.nsCache.set(key, set);
    }
    this.bySelector.set(sel, set);
    return set;
  }

  /** Namespaces of the input a namespaceSelector selects, in the model's order (one array per selector: do not change it). */
  namespacesSelected(sel: Selector): readonly string[] {
    const set = this.matchingNamespaces(sel);
    let list = this.namespaceLists.get(set);
    if (!list) this.namespaceLists.set(set, (list = [...set]));
    return list;
  }

  namespaceMatches(sel: Selector, namespace: string): boolean {
    if (this.model.namespaces.has(namespace)) return this.matchingNamespaces(sel).has(namespace);
    // A namespace the input never mentions carries only the automatic name label.
    const labels = new Map(Object.entries(this.model.namespaceLabels(namespace)));
    return sel.requirements.every((r) => requirementMatches(r, labels));
  }

  /**
   * Pod IPs are not known offline. An ipBlock is taken to cover pods when it is all addresses
   * (0.0.0.0/0 or ::/0) without excepts, or contains a configured pod CIDR that no except touches.
   */
  ipBlockCoversPods(peer: Extract<Peer, { kind: 'ipBlock' }>): boolean {
    if (this.options.ipBlocksCoverPods === 'never') return false;
    const cidr = peer.cidr;
    if (!cidr) return false;
    const excepts = peer.except.flatMap((e) => e.cidr ?? []);
    if (cidr.prefix === 0 && excepts.length === 0) return true;
    return this.podCidrs.some(
      (pc) => contains(cidr, pc) && !excepts.some((e) => contains(e, pc) || contains(pc, e)),
    );
  }

  /**
   * The pods behind a toServices peer. Cilium has long applied toServices only to Services without
   * a selector (their endpoints as CIDRs; cilium/cilium#25864); later releases also honour selector
   * Services. Which one runs is not in the input, so the Service's own pods count as reached: no
   * finding then rests on a reading the cluster may not share.
   */
  private servicePeerPods(peer: Extract<Peer, { kind: 'service' }>): readonly PodTemplate[] {
    let pods = this.serviceCache.get(peer);
    if (!pods) {
      pods = this.resolveServicePeer(peer);
      this.serviceCache.set(peer, pods);
    }
    return pods;
  }

  private resolveServicePeer(peer: Extract<Peer, { kind: 'service' }>): readonly PodTemplate[] {
    const ns = peer.namespace;
    if (ns === undefined) return [];
    return this.model.ofKind('', 'Service').flatMap((svc) => {
      if (svc.namespace !== ns) return [];
      if (peer.name !== undefined && svc.name !== peer.name) return [];
      if (peer.selector && !selectorMatches(peer.selector, new Map(Object.entries(svc.labels)))) return [];
      return this.model.servicePods(svc);
    });
  }

  peerMatches(policy: Policy, peer: Peer, other: Endpoint): boolean {
    if (other.kind === 'pod') return this.peerMatchesPod(policy, peer, other.pod);
    if (other.kind === 'entity') return this.peerMatchesEntity(peer, other.entity);
    // An address outside the cluster: Cilium's world identity.
    if (peer.kind === 'entity') return peer.entity === 'all' || peer.entity.startsWith('world');
    if (peer.kind === 'endpoints') return selectorMatches(peer.selector, new Map([['reserved:world', '']]));
    if ((peer.kind !== 'ipBlock' && peer.kind !== 'cidr') || !peer.cidr) return false;
    if (other.kind === 'range') {
      if (
        !containsIp(peer.cidr, other.family, other.first) ||
        !containsIp(peer.cidr, other.family, other.last)
      )
        return false;
      return !peer.except.some((e) => e.cidr && containsIp(e.cidr, other.family, other.first));
    }
    if (!containsIp(peer.cidr, other.family, other.ip)) return false;
    return !peer.except.some((e) => e.cidr && containsIp(e.cidr, other.family, other.ip));
  }

  /**
   * Whether a peer matches an entity endpoint. Entities have reserved labels (reserved:host...),
   * which an endpoint selector may name; a CIDR of every address covers the world; the API server
   * is matched by the kube-apiserver entity (or cluster, all), not by its address or endpoints.
   */
  private peerMatchesEntity(peer: Peer, entity: string): boolean {
    switch (peer.kind) {
      case 'entity':
        return entityCovers(peer.entity, entity);
      case 'endpoints':
        return selectorMatches(peer.selector, new Map([[`reserved:${entity}`, '']]));
      case 'nodes':
        return entity === 'host' || entity === 'remote-node';
      case 'ipBlock':
      case 'cidr':
        return entity === 'world' && peer.cidr?.prefix === 0 && peer.except.length === 0;
      default:
        return false;
    }
  }

  /** Whether one port entry admits the traffic; named ports resolve on the destination pod. */
  portMatches(spec: PortSpec, t: Traffic, destination: Endpoint): boolean {
    if (spec.protocol !== t.protocol) return false;
    if (spec.port === undefined) return true;
    if (typeof spec.port === 'number') return t.port >= spec.port && t.port <= (spec.endPort ?? spec.port);
    if (destination.kind !== 'pod') return false;
    return destination.pod.containers.some(
      (c) =>
        c.role !== 'init' &&
        c.ports.some((p) => p.name === spec.port && p.protocol === t.protocol && p.containerPort === t.port),
    );
  }

  /** The labels a Cilium endpoint selector sees on an endpoint (reserved ones for non-pods). */
  private labelsOf(other: Endpoint): PodLabels {
    if (other.kind === 'pod') return endpointLabels(this.model, other.pod);
    return new Map([[`reserved:${other.kind === 'entity' ? other.entity : 'world'}`, '']]);
  }

  /**
   * Cilium fromRequires/toRequires: "These requirements will be appended to each EndpointSelector's
   * MatchExpressions in each FromEndpoints for all ingress rules" of the rules that select the
   * endpoint, allow rules' requirements to allow rules and deny rules' to deny rules
   * (pkg/policy/rules.go, resolveL4IngressPolicy; egress alike).
   */
  private requiresOf(pod: PodTemplate, direction: Direction, deny: boolean): Requirement[] {
    const applying = this.applying(pod, direction);
    return this.perList(pod, deny ? KEYS[direction].requiresDeny : KEYS[direction].requires, () =>
      applying.flatMap((p) =>
        (direction === 'ingress' ? p.ingressRules : p.egressRules).flatMap((r) =>
          r.deny === deny ? (r.requires ?? []) : [],
        ),
      ),
    );
  }

  /** Whether a rule's peers match `other` (every peer when it names none), requirements included. */
  private rulePeerMatches(
    policy: Policy,
    rule: PolicyRule,
    other: Endpoint,
    requires: Requirement[],
  ): boolean {
    if (rule.peers === undefined) return true;
    return rule.peers.some((p) => {
      // Addresses outside the cluster the input cannot resolve: an allow may admit them, a deny
      // is not taken to drop anything (no definite verdict either way).
      if (p.kind === 'unresolved')
        return !rule.deny && other.kind !== 'pod' && (other.kind !== 'entity' || other.entity === 'world');
      if (!this.peerMatches(policy, p, other)) return false;
      if (p.kind !== 'endpoints' || requires.length === 0) return true;
      const labels = this.labelsOf(other);
      return requires.every((r) => requirementMatches(r, labels));
    });
  }

  private ruleAllows(
    policy: Policy,
    rule: PolicyRule,
    other: Endpoint,
    t: Traffic,
    destination: Endpoint,
    requires: Requirement[],
  ): boolean {
    // No from/to: every peer. No ports: every port (NetworkPolicyIngressRule, NetworkPolicyEgressRule).
    if (!this.rulePeerMatches(policy, rule, other, requires)) return false;
    return rule.ports === undefined || rule.ports.some((p) => this.portMatches(p, t, destination));
  }

  /** The connections one rule's ports allow toward a destination (named ports resolve on it). */
  ruleConns(rule: PolicyRule, destination: Endpoint): ConnSet {
    if (rule.ports === undefined) return ConnSet.all();
    let out = ConnSet.none();
    for (const spec of rule.ports) {
      if (spec.port === undefined) out = out.union(ConnSet.of(spec.protocol));
      else if (typeof spec.port === 'number')
        out = out.union(ConnSet.of(spec.protocol, spec.port, spec.endPort ?? spec.port));
      else if (destination.kind === 'pod') {
        for (const c of destination.pod.containers) {
          if (c.role === 'init') continue;
          for (const p of c.ports) {
            if (p.name === spec.port && p.protocol === spec.protocol && p.containerPort !== undefined) {
              out = out.union(ConnSet.of(spec.protocol, p.containerPort, p.containerPort));
            }
          }
        }
      }
    }
    return out;
  }

  private sideConns(
    pod: PodTemplate,
    direction: Direction,
    other: Endpoint,
    destination: Endpoint,
  ): SideConns {
    if (this.ordered) return orderedConns(this, pod, direction, other, destination);
    const isolatedBy = this.isolating(pod, direction);
    const allowedBy: SideConns['allowedBy'] = [];
    const deniedBy: SideConns['deniedBy'] = [];
    let allowed = isolatedBy.length === 0 ? ConnSet.all() : ConnSet.none();
    let denied = ConnSet.none();
    for (const policy of this.applying(pod, direction)) {
      for (const rule of direction === 'ingress' ? policy.ingressRules : policy.egressRules) {
        if (!this.rulePeerMatches(policy, rule, other, this.requiresOf(pod, direction, rule.deny))) continue;
        const c = this.ruleConns(rule, destination);
        if (c.isEmpty()) continue;
        if (rule.deny) {
          denied = denied.union(c);
          deniedBy.push({ policy, rule });
        } else if (isolatedBy.length) {
          allowed = allowed.union(c);
          allowedBy.push({ policy, rule });
        }
      }
    }
    return { conns: allowed.minus(denied), isolatedBy, allowedBy, deniedBy };
  }

  /** Every connection `src` may send to `dst`. */
  egressConns(src: PodTemplate, dst: Endpoint): SideConns {
    return this.sideConns(src, 'egress', dst, dst);
  }

  /** Every connection `dst` may receive from `src`. */
  ingressConns(dst: PodTemplate, src: Endpoint): SideConns {
    return this.sideConns(dst, 'ingress', src, { kind: 'pod', pod: dst });
  }

  /**
   * One direction for one connection: a matching deny rule drops it; otherwise it is allowed when
   * the pod is not in default deny for the direction, or when an allow rule matches.
   */
  private decide(
    pod: PodTemplate,
    direction: Direction,
    other: Endpoint,
    t: Traffic,
    destination: Endpoint,
  ): SideDecision {
    if (this.ordered) return orderedDecide(this, pod, direction, other, t, destination);
    const isolatedBy = this.isolating(pod, direction);
    const applying = this.applying(pod, direction);
    const rules = (p: Policy) => (direction === 'ingress' ? p.ingressRules : p.egressRules);
    for (const policy of applying)
      for (const rule of rules(policy))
        if (
          rule.deny &&
          this.ruleAllows(policy, rule, other, t, destination, this.requiresOf(pod, direction, true))
        )
          return { allowed: false, isolatedBy, allowedBy: undefined, deniedBy: { policy, rule } };
    if (isolatedBy.length === 0) return { allowed: true, isolatedBy, allowedBy: undefined };
    for (const policy of applying)
      for (const rule of rules(policy))
        if (
          !rule.deny &&
          this.ruleAllows(policy, rule, other, t, destination, this.requiresOf(pod, direction, false))
        )
          return { allowed: true, isolatedBy, allowedBy: { policy, rule } };
    return { allowed: false, isolatedBy, allowedBy: undefined };
  }

  /**
   * Egress from `src` to `dst`. The decision depends on the source pod only through the policies
   * that select it and, in Calico's ordered mode, through what a rule's source entity matches on
   * it (its Calico labels, which hold its namespace and service account; its Services): pods alike
   * in these share one decision (returned as is to each: do not change it).
   */
  egress(src: PodTemplate, dst: Endpoint, t: Traffic): SideDecision {
    const list = this.enforced ? this.byPod.get(src) : undefined;
    if (!list) return this.decide(src, 'egress', dst, t, dst);
    const key = `${this.sourceKey(src, list)}\u0000${this.endpointKey(dst)}\u0000${t.protocol}/${t.port}`;
    const decisions = this.perList(src, 'egress decisions', () => new Map<string, SideDecision>());
    let d = decisions.get(key);
    if (!d) decisions.set(key, (d = this.decide(src, 'egress', dst, t, dst)));
    return d;
  }

  /** What of a source pod an egress decision depends on besides its policy list (see egress). */
  private sourceKey(pod: PodTemplate, list: readonly Policy[]): string {
    if (!this.ordered) return '';
    // A rule's `services` entity matches pods one by one: such a source shares nothing.
    const services = this.perList(pod, 'source services', () =>
      list.some((p) => p.egressRules.some((r) => r.calico?.source.services !== undefined)),
    );
    if (services) return this.endpointKey({ kind: 'pod', pod });
    return JSON.stringify([...calicoEndpointLabels(this.model, pod)]);
  }

  /** A key that tells endpoints apart as the evaluation does: a pod by itself, the others by value. */
  private endpointKey(e: Endpoint): string {
    switch (e.kind) {
      case 'pod': {
        let id = this.podIds.get(e.pod);
        if (id === undefined) this.podIds.set(e.pod, (id = this.podIds.size));
        return `pod ${id}`;
      }
      case 'ip':
        return `ip ${e.family} ${e.ip}`;
      case 'range':
        return `range ${e.family} ${e.first} ${e.last}`;
      case 'entity':
        return `entity ${e.entity}`;
    }
  }

  /** Ingress into `dst` from `src`. */
  ingress(dst: PodTemplate, src: Endpoint, t: Traffic): SideDecision {
    return this.decide(dst, 'ingress', src, t, { kind: 'pod', pod: dst });
  }

  /** A connection is allowed when the source may send it and the destination may receive it. */
  connection(src: PodTemplate, dst: Endpoint, t: Traffic): Decision {
    const egress = this.egress(src, dst, t);
    const ingress =
      dst.kind === 'pod'
        ? this.ingress(dst.pod, { kind: 'pod', pod: src }, t)
        : { allowed: true, isolatedBy: [], allowedBy: undefined };
    return { allowed: egress.allowed && ingress.allowed, egress, ingress };
  }
}
