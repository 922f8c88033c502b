// The connectivity map: for every ordered pair of workloads (and external address ranges, and the
// ingress controller), the connections the policies (NetworkPolicies, Cilium policies) allow. Built on the same PolicyEngine as the
// lint rules: one source of truth.
import type { ClusterSettings } from '../config/types';
import { ingressBackends, ingressesOf } from '../model/ingress';
import {
  ingressClassControllers,
  ingressControllerFor,
  ingressControllerPods,
} from '../model/ingress-controller';
import type { KObject } from '../model/object';
import type { Model } from '../model/model';
import { standInPod, type PodTemplate } from '../model/pods';
import { findServicePort, podPortFor } from '../model/service-ports';
import { formatIp, type Cidr, type Family } from '../net/cidr';
import { PolicyEngine, type Endpoint } from '../netpol/engine';
import { allPoliciesOf } from '../netpol/dialects';
import { asArray, asRecord, asString } from '../util/values';
import { ConnSet } from '../net/conns';

export interface ReachNode {
  /** `namespace/name[Kind]`, `first-last[External]` or `{ingress-controller}`. */
  id: string;
  kind: 'workload' | 'external' | 'ingress-controller';
  endpoint: Endpoint;
  pod: PodTemplate | undefined;
}

export interface ReachEdge {
  src: ReachNode;
  dst: ReachNode;
  conns: ConnSet;
}

export interface ReachMap {
  nodes: ReachNode[];
  edges: ReachEdge[];
  engine: PolicyEngine;
  /** True when the map stopped at MAX_REACH_EDGES connections: `edges` is then incomplete. */
  truncated: boolean;
}

/**
 * The most connections a map lists. Without policies every ordered pair of workloads connects, so
 * the map grows with the square of the workloads (2,500 workloads ran out of memory); past this
 * size nobody reads it whole anyway, and --focus narrows it.
 */
export const MAX_REACH_EDGES = 200_000;

export interface ReachMapOptions {
  /** Only connections from or to a node whose id passes (for --focus); all when absent. */
  involving?: (id: string) => boolean;
  /** Add each workload's edge to the cluster DNS pods (53/UDP, 53/TCP). */
  dns?: boolean;
}

/** A pod dumped from a cluster names its controller; a template names its workload. */
export function workloadId(pod: PodTemplate): string {
  const owner = pod.owner;
  if (owner.kind === 'Pod') {
    const refs = asArray(asRecord(owner.raw['metadata'])?.['ownerReferences']).map((r) => asRecord(r) ?? {});
    const ref = refs.find((r) => r['controller'] === true) ?? refs[0];
    const name = asString(ref?.['name']);
    // An owner reference without a kind still groups the pods; they stay Pods.
    const kind = asString(ref?.['kind']) ?? 'Pod';
    // Mirror pods of static manifests are owned by their Node: they stay Pods.
    if (name && kind !== 'Node') return `${pod.namespace}/${name}[${kind}]`;
  }
  return `${pod.namespace}/${owner.name}[${owner.kind}]`;
}

function span(c: Cidr): [bigint, bigint] {
  const size = 1n << BigInt((c.family === 4 ? 32 : 128) - c.prefix);
  return [c.network, c.network + size - 1n];
}

/** The addresses of cidr minus excepts, as disjoint sorted intervals. */
function blockIntervals(cidr: Cidr, excepts: Cidr[]): [bigint, bigint][] {
  const [lo, hi] = span(cidr);
  const holes = excepts
    .filter((e) => e.family === cidr.family)
    .map(span)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  let next = lo;
  for (const [a, b] of holes) {
    if (b < next || a > hi) continue;
    if (a > next) out.push([next, a - 1n]);
    if (b + 1n > next) next = b + 1n;
  }
  if (next <= hi) out.push([next, hi]);
  return out;
}

/** The address families the policies' ipBlocks (and Cilium CIDR peers, Calico nets) use, in either direction. */
function policyFamilies(model: Model): Set<Family> {
  const families = new Set<Family>([4]);
  for (const policy of allPoliciesOf(model))
    for (const rule of [...policy.ingressRules, ...policy.egressRules]) {
      for (const peer of rule.peers ?? [])
        if ((peer.kind === 'ipBlock' || peer.kind === 'cidr') && peer.cidr) families.add(peer.cidr.family);
      // Calico nets and notNets of either side.
      for (const side of rule.calico ? [rule.calico.source, rule.calico.destination] : [])
        for (const n of [...side.nets, ...side.notNets]) if (n.cidr) families.add(n.cidr.family);
    }
  return families;
}

/**
 * Address ranges that no ipBlock cuts. Ingress and egress have their own partitions, from the
 * ipBlocks of their own rules (as netpol-analyzer reports them), but both cover every family the
 * policies use in either direction: an IPv6 ipBlock only in ingress rules still means egress to
 * IPv6 exists and may be allowed (a family missing here would read as "no connection").
 */
function externalRanges(
  model: Model,
  direction: 'ingress' | 'egress',
  families: ReadonlySet<Family>,
): { family: Family; first: bigint; last: bigint }[] {
  const cuts: Record<Family, Set<bigint>> = { 4: new Set(), 6: new Set() };
  for (const policy of allPoliciesOf(model)) {
    for (const rule of direction === 'ingress' ? policy.ingressRules : policy.egressRules) {
      // Calico: the nets and notNets of the rule's far side cut the outside address space too.
      const far = rule.calico && (direction === 'ingress' ? rule.calico.source : rule.calico.destination);
      for (const n of far ? [...far.nets, ...far.notNets] : []) {
        if (!n.cidr) continue;
        for (const [first, last] of blockIntervals(n.cidr, [])) {
          cuts[n.cidr.family].add(first);
          cuts[n.cidr.family].add(last + 1n);
        }
      }
      for (const peer of rule.peers ?? []) {
        // Kubernetes ipBlocks and Cilium CIDR peers both cut the outside address space.
        if ((peer.kind !== 'ipBlock' && peer.kind !== 'cidr') || !peer.cidr) continue;
        const c = peer.cidr;
        // The block as a set of addresses (cidr minus excepts): adjacent excepts make one hole.
        for (const [first, last] of blockIntervals(
          c,
          peer.except.flatMap((e) => e.cidr ?? []),
        )) {
          cuts[c.family].add(first);
          cuts[c.family].add(last + 1n);
        }
      }
    }
  }
  const out: { family: Family; first: bigint; last: bigint }[] = [];
  for (const family of [...families].sort()) {
    const end = 1n << BigInt(family === 4 ? 32 : 128);
    const points = [...new Set([0n, ...cuts[family], end])]
      .filter((p) => p <= end)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 0; i + 1 < points.length; i++)
      out.push({ family, first: points[i] as bigint, last: (points[i + 1] as bigint) - 1n });
  }
  return out;
}

/**
 * The pods of an Ingress's controller (see model/ingress-controller). When the controller is unknown
 * (a class naming no known install, no config), a label-less pod in no known namespace stands in:
 * only policies admitting every namespace let it in, which is all the input proves.
 */
function controllerSources(
  model: Model,
  cluster: ClusterSettings,
  ing: KObject,
  classes: Map<string, string | undefined>,
): { pod: PodTemplate; id: string }[] {
  const controller = ingressControllerFor(model, cluster, ing, classes);
  const owner = model.objects[0];
  if (!controller)
    return owner ? [{ pod: standInPod(owner, UNKNOWN_CONTROLLER, {}), id: UNKNOWN_CONTROLLER }] : [];
  const { pods, standIn } = ingressControllerPods(model, controller);
  return pods.map((pod) => ({
    pod,
    id: standIn ? UNKNOWN_CONTROLLER : workloadId(pod),
  }));
}

/**
 * The node of a controller the input does not hold (netpol-analyzer's name for it, so the two maps
 * still compare); when the controller is unknown, also the namespace of its label-less stand-in pod.
 */
const UNKNOWN_CONTROLLER = '{ingress-controller}';

/**
 * With `dns`: each workload's edge to the cluster DNS pods, on 53/UDP and 53/TCP only ("can this pod
 * resolve names"). When the input holds no DNS pods, the modelled ones (kube-dns labels in the DNS
 * namespace) stand in as a node of their own. Pods with hostNetwork or a dnsPolicy other than
 * ClusterFirst(WithHostNet) do not query the cluster DNS and get no DNS edge.
 */
function dnsEdges(
  model: Model,
  cluster: ClusterSettings,
  engine: PolicyEngine,
  workloads: Map<string, ReachNode>,
): { nodes: ReachNode[]; edges: ReachEdge[] } {
  const labels = Object.entries(cluster.dns.podLabels);
  const dnsPods = model
    .podsIn(cluster.dns.namespace)
    .filter((p) => labels.every(([k, v]) => p.labels.get(k) === v));
  const dnsNodes = new Map<string, ReachNode>();
  for (const pod of dnsPods) {
    const id = workloadId(pod);
    const node = workloads.get(id) ?? {
      id,
      kind: 'workload' as const,
      endpoint: { kind: 'pod' as const, pod },
      pod,
    };
    dnsNodes.set(id, node);
  }
  const dns53 = ConnSet.of('UDP', 53, 53).union(ConnSet.of('TCP', 53, 53));
  const edges: ReachEdge[] = [];
  for (const src of workloads.values()) {
    const srcPod = src.pod as PodTemplate;
    if (dnsNodes.has(src.id)) continue;
    if (
      srcPod.hostNetwork ||
      (srcPod.dnsPolicy !== undefined && !srcPod.dnsPolicy.startsWith('ClusterFirst'))
    )
      continue;
    for (const dst of dnsNodes.values()) {
      const conns = engine
        .egressConns(srcPod, dst.endpoint)
        .conns.intersect(engine.ingressConns(dst.pod as PodTemplate, src.endpoint).conns)
        .intersect(dns53);
      if (!conns.isEmpty()) edges.push({ src, dst, conns });
    }
  }
  return { nodes: [...dnsNodes.values()].filter((n) => !workloads.has(n.id)), edges };
}

export function buildReachMap(model: Model, cluster: ClusterSettings, opts: ReachMapOptions = {}): ReachMap {
  const engine = new PolicyEngine(model, cluster, allPoliciesOf(model), { ipBlocksCoverPods: 'never' });
  const workloads = new Map<string, ReachNode>();
  for (const pod of model.pods) {
    if (pod.origin !== 'workload') continue;
    const id = workloadId(pod);
    if (!workloads.has(id)) workloads.set(id, { id, kind: 'workload', endpoint: { kind: 'pod', pod }, pod });
  }
  const families = policyFamilies(model);
  const rangeNodes = (direction: 'ingress' | 'egress'): ReachNode[] =>
    externalRanges(model, direction, families).map((r) => {
      const id = `${formatIp(r.family, r.first)}-${formatIp(r.family, r.last)}[External]`;
      return { id, kind: 'external', endpoint: { kind: 'range', ...r, text: id }, pod: undefined };
    });
  const egressTargets = rangeNodes('egress');
  const ingressSources = rangeNodes('ingress');
  const edges: ReachEdge[] = [];
  const ws = [...workloads.values()];
  const wanted = (a: ReachNode, b: ReachNode) =>
    opts.involving === undefined || opts.involving(a.id) || opts.involving(b.id);
  let truncated = false;
  for (const src of ws) {
    if (edges.length >= MAX_REACH_EDGES) {
      truncated = true;
      break;
    }
    const srcPod = src.pod as PodTemplate;
    for (const dst of ws) {
      if (src === dst || !wanted(src, dst)) continue;
      const dstPod = dst.pod as PodTemplate;
      const conns = engine
        .egressConns(srcPod, dst.endpoint)
        .conns.intersect(engine.ingressConns(dstPod, src.endpoint).conns);
      if (!conns.isEmpty()) edges.push({ src, dst, conns });
    }
    for (const ext of egressTargets) {
      if (!wanted(src, ext)) continue;
      const conns = engine.egressConns(srcPod, ext.endpoint).conns;
      if (!conns.isEmpty()) edges.push({ src, dst: ext, conns });
    }
    for (const ext of ingressSources) {
      if (!wanted(ext, src)) continue;
      const conns = engine.ingressConns(srcPod, ext.endpoint).conns;
      if (!conns.isEmpty()) edges.push({ src: ext, dst: src, conns });
    }
  }
  const seenExternal = new Map<string, ReachNode>();
  for (const e of edges)
    for (const n of [e.src, e.dst])
      if (n.kind === 'external' && !seenExternal.has(n.id)) seenExternal.set(n.id, n);
  const nodes = [...ws, ...seenExternal.values()];
  // Ingress: each Ingress's controller reaches the pods behind its backend Services on the resolved
  // pod port. The controller is the one ingress-backend-blocked uses (config, IngressClass, known
  // installs); controller pods that are workloads of the input already have their edges in the map.
  const controllers = new Map<string, { node: ReachNode; reach: Map<ReachNode, ConnSet> }>();
  const classes = ingressClassControllers(model);
  for (const ing of ingressesOf(model)) {
    if (ing.namespace === undefined) continue;
    const sources = controllerSources(model, cluster, ing, classes);
    if (sources.some((s) => workloads.has(s.id))) continue;
    for (const b of ingressBackends(ing)) {
      if (!b.serviceName) continue;
      const svc = model.getNearest('', 'Service', ing.namespace, b.serviceName, ing);
      if (!svc) continue;
      const sp = findServicePort(svc, b.port);
      if (!sp) continue;
      for (const pod of model.servicePods(svc)) {
        const node = workloads.get(workloadId(pod));
        if (!node) continue;
        const port = podPortFor(sp, pod);
        if (port === undefined) continue;
        for (const { pod: src, id } of sources) {
          const endpoint: Endpoint = { kind: 'pod', pod: src };
          const conns = ConnSet.of(sp.protocol, port, port)
            .intersect(engine.egressConns(src, node.endpoint).conns)
            .intersect(engine.ingressConns(pod, endpoint).conns);
          if (conns.isEmpty()) continue;
          let entry = controllers.get(id);
          if (!entry) {
            entry = { node: { id, kind: 'ingress-controller', endpoint, pod: src }, reach: new Map() };
            controllers.set(id, entry);
          }
          entry.reach.set(node, (entry.reach.get(node) ?? ConnSet.none()).union(conns));
        }
      }
    }
  }
  for (const { node, reach } of controllers.values()) {
    nodes.push(node);
    for (const [dst, conns] of reach) if (wanted(node, dst)) edges.push({ src: node, dst, conns });
  }
  if (opts.dns) {
    const dns = dnsEdges(model, cluster, engine, workloads);
    nodes.push(...dns.nodes);
    // Edges the full map already has (DNS pods in the input) are kept; DNS edges are added for the rest.
    const have = new Set(edges.map((e) => `${e.src.id}\u0000${e.dst.id}`));
    for (const e of dns.edges) if (!have.has(`${e.src.id}\u0000${e.dst.id}`)) edges.push(e);
  }
  if (edges.length > MAX_REACH_EDGES) {
    edges.length = MAX_REACH_EDGES;
    truncated = true;
  }
  return { nodes, edges, engine, truncated };
}
