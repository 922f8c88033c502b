// `kube-netlint reach --from A --to B [--port P/PROTO]`: yes or no, and why.
import { locationOf } from '../engine/run';
import type { SideConns } from '../netpol/engine';
import type { Policy, PolicyRule } from '../netpol/policy';
import { ConnSet } from './conns';
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

function where(policy: Policy, rule?: PolicyRule): string {
  const loc = locationOf(policy.obj, rule ? rule.path : ['metadata', 'name']);
  const what = rule
    ? `${rule.direction} rule ${rule.index} of NetworkPolicy ${policy.namespace}/${policy.obj.name}`
    : `NetworkPolicy ${policy.namespace}/${policy.obj.name}`;
  return `${what} (${loc.file}:${loc.region.startLine})`;
}

function side(
  label: string,
  s: SideConns,
  wanted: ConnSet,
  connsOf: (rule: PolicyRule) => ConnSet,
): string[] {
  if (s.isolatedBy.length === 0)
    return [
      `  ${label}: not isolated — no NetworkPolicy selects it for this direction, so everything is allowed`,
    ];
  const lines = [`  ${label}: isolated by ${s.isolatedBy.map((p) => where(p)).join(', ')}`];
  const relevant = s.allowedBy.filter((a) => !connsOf(a.rule).intersect(wanted).isEmpty());
  if (relevant.length === 0)
    lines.push(
      `    no rule of theirs allows ${wanted.isAll() ? 'any connection' : wanted.toString()} between these two`,
    );
  for (const a of relevant)
    lines.push(`    ${connsOf(a.rule).intersect(wanted).toString()} allowed by ${where(a.policy, a.rule)}`);
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
