// NetworkPolicy evaluation over the model: which policies isolate a pod, and whether a connection
// is allowed, by which rule, or why not. One evaluator for the lint rules and every later user.
import type { ClusterSettings } from '../config/types';
import { requirementMatches, selectorMatches, type Selector } from '../model/labels';
import type { Model } from '../model/model';
import type { PodTemplate } from '../model/pods';
import { contains, containsIp, parseCidr, type Cidr, type Family } from '../net/cidr';
import { ConnSet } from '../reach/conns';
import { policiesOf, type Peer, type Policy, type PolicyRule, type PortSpec } from './policy';

export type Direction = 'ingress' | 'egress';

export type Endpoint =
  | { kind: 'pod'; pod: PodTemplate }
  | { kind: 'ip'; family: Family; ip: bigint; text: string }
  /** A range of addresses no ipBlock boundary cuts: every block contains all of it or none. */
  | { kind: 'range'; family: Family; first: bigint; last: bigint; text: string };

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
  isolatedBy: Policy[];
  /** Rules that contributed to `conns` (none when not isolated). */
  allowedBy: { policy: Policy; rule: PolicyRule }[];
}

export interface Traffic {
  protocol: string;
  port: number;
}

export interface SideDecision {
  allowed: boolean;
  /** Policies that select the pod for this direction; empty means not isolated (allowed). */
  isolatedBy: Policy[];
  /** The rule that allows the traffic, when isolated and allowed. */
  allowedBy: { policy: Policy; rule: PolicyRule } | undefined;
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

  constructor(
    readonly model: Model,
    cluster: ClusterSettings,
    policies: readonly Policy[] = policiesOf(model),
    readonly options: EngineOptions = { ipBlocksCoverPods: 'all-addresses' },
  ) {
    this.policies = policies;
    this.podCidrs = cluster.podCIDRs.flatMap((c) => parseCidr(c) ?? []);
    for (const policy of policies) {
      // "Selects the pods to which this NetworkPolicy object applies ... An empty podSelector
      // selects all pods in this namespace." (API reference, NetworkPolicySpec.podSelector)
      const pods = model.selectPods(policy.podSelector, policy.namespace);
      this.selected.set(policy, pods);
      for (const pod of pods) {
        const list = this.byPod.get(pod);
        if (list) list.push(policy);
        else this.byPod.set(pod, [policy]);
      }
    }
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

  /** Policies that select the pod and isolate it in this direction. */
  isolating(pod: PodTemplate, direction: Direction): Policy[] {
    return (this.byPod.get(pod) ?? []).filter((p) => (direction === 'ingress' ? p.ingress : p.egress));
  }

  /** Whether a pod peer of `policy` matches a pod. */
  peerMatchesPod(policy: Policy, peer: Peer, pod: PodTemplate): boolean {
    if (peer.kind === 'ipBlock') return this.ipBlockCoversPods(peer);
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
      set = new Set();
      for (const [name, info] of this.model.namespaces) {
        const labels = new Map(Object.entries(info.labels));
        if (sel.requirements.every((r) => requirementMatches(r, labels))) set.add(name);
      }
      this.nsCache.set(key, set);
    }
    this.bySelector.set(sel, set);
    return set;
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

  private peerMatches(policy: Policy, peer: Peer, other: Endpoint): boolean {
    if (other.kind === 'pod') return this.peerMatchesPod(policy, peer, other.pod);
    if (peer.kind !== 'ipBlock' || !peer.cidr) return false;
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

  private ruleAllows(
    policy: Policy,
    rule: PolicyRule,
    other: Endpoint,
    t: Traffic,
    destination: Endpoint,
  ): boolean {
    // No from/to: every peer. No ports: every port (NetworkPolicyIngressRule, NetworkPolicyEgressRule).
    const peerOk = rule.peers === undefined || rule.peers.some((p) => this.peerMatches(policy, p, other));
    if (!peerOk) return false;
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
    isolatedBy: Policy[],
    rules: (p: Policy) => PolicyRule[],
    other: Endpoint,
    destination: Endpoint,
  ): SideConns {
    if (isolatedBy.length === 0) return { conns: ConnSet.all(), isolatedBy, allowedBy: [] };
    let conns = ConnSet.none();
    const allowedBy: SideConns['allowedBy'] = [];
    for (const policy of isolatedBy) {
      for (const rule of rules(policy)) {
        if (rule.peers !== undefined && !rule.peers.some((p) => this.peerMatches(policy, p, other))) continue;
        const c = this.ruleConns(rule, destination);
        if (c.isEmpty()) continue;
        conns = conns.union(c);
        allowedBy.push({ policy, rule });
      }
    }
    return { conns, isolatedBy, allowedBy };
  }

  /** Every connection `src` may send to `dst`. */
  egressConns(src: PodTemplate, dst: Endpoint): SideConns {
    return this.sideConns(this.isolating(src, 'egress'), (p) => p.egressRules, dst, dst);
  }

  /** Every connection `dst` may receive from `src`. */
  ingressConns(dst: PodTemplate, src: Endpoint): SideConns {
    return this.sideConns(this.isolating(dst, 'ingress'), (p) => p.ingressRules, src, {
      kind: 'pod',
      pod: dst,
    });
  }

  /** Egress from `src` to `dst`: allowed when src is not egress-isolated or a rule allows it. */
  egress(src: PodTemplate, dst: Endpoint, t: Traffic): SideDecision {
    const isolatedBy = this.isolating(src, 'egress');
    if (isolatedBy.length === 0) return { allowed: true, isolatedBy, allowedBy: undefined };
    for (const policy of isolatedBy) {
      for (const rule of policy.egressRules) {
        if (this.ruleAllows(policy, rule, dst, t, dst))
          return { allowed: true, isolatedBy, allowedBy: { policy, rule } };
      }
    }
    return { allowed: false, isolatedBy, allowedBy: undefined };
  }

  /** Ingress into `dst` from `src`: allowed when dst is not ingress-isolated or a rule allows it. */
  ingress(dst: PodTemplate, src: Endpoint, t: Traffic): SideDecision {
    const isolatedBy = this.isolating(dst, 'ingress');
    if (isolatedBy.length === 0) return { allowed: true, isolatedBy, allowedBy: undefined };
    const destination: Endpoint = { kind: 'pod', pod: dst };
    for (const policy of isolatedBy) {
      for (const rule of policy.ingressRules) {
        if (this.ruleAllows(policy, rule, src, t, destination))
          return { allowed: true, isolatedBy, allowedBy: { policy, rule } };
      }
    }
    return { allowed: false, isolatedBy, allowedBy: undefined };
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
