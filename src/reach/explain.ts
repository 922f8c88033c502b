// `kube-netlint reach --from A --to B [--port P/PROTO]`: yes or no, and why.
import { locationOf } from '../engine/run';
import { walk, type Step } from '../netpol/calico-engine';
import type { SideConns } from '../netpol/engine';
import type { Policy, PolicyRule } from '../netpol/policy';
import { ConnSet } from '../net/conns';
import { podPortFor, servicePorts } from '../model/service-ports';
import type { ReachMap, ReachNode } from './map';

export class ReachQueryError extends Error {}

/** Finds a workload by `namespace/name`, `namespace/name[Kind]` or a unique `name`. */
export function findNode(map: ReachMap, ref: string): ReachNode {
  const exact = map.nodes.find((n) => n.id === ref);
  if (exact) return exact;
  const matches = map.nodes.filter(
    (n) => n.kind === 'workload' && (n.id.startsWith(`${ref}[`) || n.id.split('/')[1]?.startsWith(`${ref}[`)),
  );
  if (matches.length === 1) return matches[0] as ReachNode;
  if (matches.length > 1)
    throw new ReachQueryError(`'${ref}' is ambiguous: ${matches.map((m) => m.id).join(', ')}`);
  throw new ReachQueryError(`no workload '${ref}' in the input (write namespace/name, e.g. shop/web)`);
}

/** `NetworkPolicy shop/web`, `CiliumNetworkPolicy shop/web specs[1]`, `CiliumClusterwideNetworkPolicy dns`. */
function policyName(policy: Policy): string {
  const name = policy.clusterWide ? policy.obj.name : `${policy.namespace}/${policy.obj.name}`;
  const spec = policy.specPath[0] === 'specs' ? ` specs[${String(policy.specPath[1])}]` : '';
  return `${policy.obj.kind} ${name}${spec}`;
}

function where(policy: Policy, rule?: PolicyRule): string {
  const loc = locationOf(policy.obj, rule ? rule.path : ['metadata', 'name']);
  const what = rule
    ? `${rule.direction}${rule.deny && policy.dialect === 'cilium' ? 'Deny' : ''} rule ${rule.index} of ${policyName(policy)}`
    : policyName(policy);
  return `${what} (${loc.file}:${loc.region.startLine})`;
}

function side(
  label: string,
  s: SideConns,
  wanted: ConnSet,
  connsOf: (rule: PolicyRule) => ConnSet,
): string[] {
  const lines =
    s.isolatedBy.length === 0
      ? [
          `  ${label}: not isolated — no policy puts it in default deny for this direction, so everything is allowed`,
        ]
      : [`  ${label}: isolated by ${s.isolatedBy.map((p) => where(p)).join(', ')}`];
  if (s.isolatedBy.length) {
    const relevant = s.allowedBy.filter((a) => !connsOf(a.rule).intersect(wanted).isEmpty());
    if (relevant.length === 0)
      lines.push(
        `    no rule of theirs allows ${wanted.isAll() ? 'any connection' : wanted.toString()} between these two`,
      );
    for (const a of relevant)
      lines.push(`    ${connsOf(a.rule).intersect(wanted).toString()} allowed by ${where(a.policy, a.rule)}`);
  }
  // Deny rules win over every allow (Cilium docs, Deny Policies).
  for (const d of s.deniedBy.filter((x) => !connsOf(x.rule).intersect(wanted).isEmpty()))
    lines.push(
      `    ${connsOf(d.rule).intersect(wanted).toString()} denied by ${where(d.policy, d.rule)} (a deny wins over every allow)`,
    );
  return lines;
}

/**
 * Calico's ordered mode: each step of the walk through the tiers that took part of the wanted
 * connections, in evaluation order (Pass and a tier's default action included).
 */
function orderedSide(label: string, steps: Step[], isolated: boolean): string[] {
  if (!isolated)
    return [
      `  ${label}: not isolated — no policy applies to it for this direction, so everything is allowed`,
    ];
  const lines = [
    `  ${label}: policies apply; tiers, policies and rules are evaluated in order, first match wins`,
  ];
  for (const s of steps) {
    const conns = s.conns.toString();
    if (s.action === 'profile Allow')
      lines.push(`    ${conns} passed on by every tier: the namespace profile allows`);
    else if (!s.policy || !s.rule)
      lines.push(
        `    ${conns}: no rule of tier ${s.tier} matched: the tier's default action ${s.action.split(' ').pop() ?? ''} applies`,
      );
    else lines.push(`    ${conns}: ${s.action} by ${where(s.policy, s.rule)} in tier ${s.tier}`);
  }
  return lines;
}

/**
 * The Service-port vs target-port hint: policies match the port the pod receives on, not the
 * Service's port (NetworkPolicyPort is matched against the destination pod's port, after kube-proxy
 * translated the Service port). For each Service in front of the pod whose port differs from the
 * pod port; with a port asked, only the Service ports equal to it.
 */
export function servicePortHints(
  map: ReachMap,
  dst: ReachNode,
  port?: { protocol: string; port: number },
): string[] {
  const pod = dst.pod;
  if (!pod) return [];
  const model = map.engine.model;
  const out: string[] = [];
  for (const svc of model.ofKind('', 'Service')) {
    if (svc.namespace !== pod.namespace || !model.servicePods(svc).includes(pod)) continue;
    for (const sp of servicePorts(svc)) {
      const target = podPortFor(sp, pod);
      if (sp.port === undefined || target === undefined || target === sp.port) continue;
      if (port && (sp.port !== port.port || sp.protocol !== port.protocol)) continue;
      out.push(
        `  hint: Service ${svc.namespace}/${svc.name} forwards ${sp.protocol} ${sp.port} to the pods' ${sp.protocol} ${target}; ` +
          `policies match the pod port (${sp.protocol} ${target}), not the Service port`,
      );
    }
  }
  return out;
}

/**
 * Why src reaches dst on `wanted` or not, without the headline: each side's isolating policies and
 * the rules that allow (or deny). An endpoint outside the cluster has no side of its own.
 */
export function explainPair(
  map: ReachMap,
  src: ReachNode,
  dst: ReachNode,
  wanted: ConnSet,
): { allowed: boolean; conns: ConnSet; lines: string[] } {
  const engine = map.engine;
  if (engine.ordered) {
    // Calico's ordered mode: the walk through tiers, policies and rules of each side.
    const egw = src.pod ? walk(engine, src.pod, 'egress', dst.endpoint, dst.endpoint, wanted) : undefined;
    const ingw = dst.pod ? walk(engine, dst.pod, 'ingress', src.endpoint, dst.endpoint, wanted) : undefined;
    const both = (egw?.allowed ?? ConnSet.all()).intersect(ingw?.allowed ?? ConnSet.all()).intersect(wanted);
    const outsideLine = (id: string) => `  ${id}: outside the cluster, no policy applies to it`;
    return {
      allowed: !both.isEmpty(),
      conns: both,
      lines: [
        ...(egw
          ? orderedSide(`egress of ${src.id}`, egw.steps, egw.isolatedBy.length > 0)
          : [outsideLine(src.id)]),
        ...(ingw
          ? orderedSide(`ingress of ${dst.id}`, ingw.steps, ingw.isolatedBy.length > 0)
          : [outsideLine(dst.id)]),
      ],
    };
  }
  const eg = src.pod ? engine.egressConns(src.pod, dst.endpoint) : undefined;
  const ing = dst.pod ? engine.ingressConns(dst.pod, src.endpoint) : undefined;
  const conns = (eg?.conns ?? ConnSet.all()).intersect(ing?.conns ?? ConnSet.all()).intersect(wanted);
  const outside = (id: string) => `  ${id}: outside the cluster, no policy applies to it`;
  const lines = [
    ...(eg
      ? side(`egress of ${src.id}`, eg, wanted, (r) => engine.ruleConns(r, dst.endpoint))
      : [outside(src.id)]),
    ...(ing
      ? side(`ingress of ${dst.id}`, ing, wanted, (r) => engine.ruleConns(r, dst.endpoint))
      : [outside(dst.id)]),
  ];
  if (
    conns.isEmpty() &&
    eg &&
    ing &&
    !eg.conns.intersect(wanted).isEmpty() &&
    !ing.conns.intersect(wanted).isEmpty()
  )
    lines.push('  each side allows some of it, but not the same connections');
  return { allowed: !conns.isEmpty(), conns, lines };
}

/** The explanation, and whether the connection (or any connection) is allowed. */
export function explainReach(
  map: ReachMap,
  fromRef: string,
  toRef: string,
  port?: string,
): { allowed: boolean; text: string } {
  const src = findNode(map, fromRef);
  const dst = findNode(map, toRef);
  if (!src.pod || !dst.pod) throw new ReachQueryError('--from and --to take workloads');
  let wanted = ConnSet.all();
  let asked: { protocol: string; port: number } | undefined;
  if (port !== undefined) {
    const m = /^(\d+)(?:\/(TCP|UDP|SCTP))?$/i.exec(port);
    if (!m) throw new ReachQueryError(`--port '${port}': expected PORT or PORT/PROTOCOL, e.g. 8080/TCP`);
    asked = { protocol: (m[2] ?? 'TCP').toUpperCase(), port: Number(m[1]) };
    wanted = ConnSet.of(asked.protocol, asked.port, asked.port);
  }
  const { allowed, conns, lines } = explainPair(map, src, dst, wanted);
  const what = port === undefined ? '' : ` on ${wanted.toString()}`;
  const head = allowed
    ? `ALLOWED: ${src.id} → ${dst.id}${what}${port === undefined ? `: ${conns.toString()}` : ''}`
    : `DENIED: ${src.id} → ${dst.id}${what}`;
  // The hint matters when the port asked is a Service port the pods do not receive on.
  const hints = asked ? servicePortHints(map, dst, asked) : [];
  return { allowed, text: [head, ...lines, ...hints].join('\n') + '\n' };
}
