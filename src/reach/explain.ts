// `kube-netlint reach --from A --to B [--port P/PROTO]`: yes or no, and why.
import { locationOf } from '../engine/run';
import { walk, type Step } from '../netpol/calico-engine';
import type { SideConns } from '../netpol/engine';
import type { Policy, PolicyRule } from '../netpol/policy';
import { ConnSet } from '../net/conns';
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
  if (port !== undefined) {
    const m = /^(\d+)(?:\/(TCP|UDP|SCTP))?$/i.exec(port);
    if (!m) throw new ReachQueryError(`--port '${port}': expected PORT or PORT/PROTOCOL, e.g. 8080/TCP`);
    wanted = ConnSet.of((m[2] ?? 'TCP').toUpperCase(), Number(m[1]), Number(m[1]));
  }
  if (map.engine.ordered) {
    const egress = walk(map.engine, src.pod, 'egress', dst.endpoint, dst.endpoint, wanted);
    const ingress = walk(map.engine, dst.pod, 'ingress', src.endpoint, dst.endpoint, wanted);
    const both = egress.allowed.intersect(ingress.allowed);
    const what = port === undefined ? `: ${both.toString()}` : ` on ${wanted.toString()}`;
    const head = both.isEmpty()
      ? `DENIED: ${src.id} → ${dst.id}${port === undefined ? '' : what}`
      : `ALLOWED: ${src.id} → ${dst.id}${what}`;
    const lines = [
      head,
      ...orderedSide(`egress of ${src.id}`, egress.steps, egress.isolatedBy.length > 0),
      ...orderedSide(`ingress of ${dst.id}`, ingress.steps, ingress.isolatedBy.length > 0),
    ];
    return { allowed: !both.isEmpty(), text: lines.join('\n') + '\n' };
  }
  const eg = map.engine.egressConns(src.pod, dst.endpoint);
  const ing = map.engine.ingressConns(dst.pod, src.endpoint);
  const allowedConns = eg.conns.intersect(ing.conns).intersect(wanted);
  const allowed = !allowedConns.isEmpty();
  const what = port === undefined ? '' : ` on ${wanted.toString()}`;
  const head = allowed
    ? `ALLOWED: ${src.id} → ${dst.id}${what}${port === undefined ? `: ${allowedConns.toString()}` : ''}`
    : `DENIED: ${src.id} → ${dst.id}${what}`;
  const engine = map.engine;
  const lines = [
    head,
    ...side(`egress of ${src.id}`, eg, wanted, (r) => engine.ruleConns(r, dst.endpoint)),
    ...side(`ingress of ${dst.id}`, ing, wanted, (r) => engine.ruleConns(r, dst.endpoint)),
  ];
  if (!allowed && !eg.conns.intersect(wanted).isEmpty() && !ing.conns.intersect(wanted).isEmpty()) {
    lines.push('  each side allows some of it, but not the same connections');
  }
  return { allowed, text: lines.join('\n') + '\n' };
}
