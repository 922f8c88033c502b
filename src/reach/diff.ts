// What a change does to connectivity: the connections two maps differ in, keyed by the ordered
// pair of endpoints (netpol-analyzer's `diff` reports the same three kinds).
import { escapeControls, jsonSafe } from '../report/safe-text';
import { escapeMarkdown } from '../report/job-summary';
import type { ReachEdge } from './map';

export interface ReachChange {
  change: 'added' | 'removed' | 'changed';
  src: string;
  dst: string;
  /** The connections before (removed, changed). */
  before?: string;
  /** The connections after (added, changed). */
  after?: string;
}

export function diffReach(base: readonly ReachEdge[], head: readonly ReachEdge[]): ReachChange[] {
  const key = (e: ReachEdge) => `${e.src.id}\u0000${e.dst.id}`;
  const before = new Map(base.map((e) => [key(e), e]));
  const after = new Map(head.map((e) => [key(e), e]));
  const out: ReachChange[] = [];
  for (const [k, e] of after) {
    const old = before.get(k);
    const conn = e.conns.toString();
    if (!old) out.push({ change: 'added', src: e.src.id, dst: e.dst.id, after: conn });
    else if (old.conns.toString() !== conn)
      out.push({
        change: 'changed',
        src: e.src.id,
        dst: e.dst.id,
        before: old.conns.toString(),
        after: conn,
      });
  }
  for (const [k, e] of before)
    if (!after.has(k))
      out.push({ change: 'removed', src: e.src.id, dst: e.dst.id, before: e.conns.toString() });
  const order = { added: 0, changed: 1, removed: 2 };
  return out.sort(
    (a, b) =>
      order[a.change] - order[b.change] ||
      (a.src < b.src ? -1 : a.src > b.src ? 1 : a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0),
  );
}

/** `opens a => b : TCP 5432`, `closes a => b : TCP 80`, `changes a => b : TCP 80 → TCP 80,443`. */
export function diffText(changes: readonly ReachChange[]): string {
  if (!changes.length) return 'no change in connectivity\n';
  return (
    changes
      .map((c) =>
        c.change === 'added'
          ? `opens   ${c.src} => ${c.dst} : ${c.after}`
          : c.change === 'removed'
            ? `closes  ${c.src} => ${c.dst} : ${c.before}`
            : `changes ${c.src} => ${c.dst} : ${c.before} → ${c.after}`,
      )
      .join('\n') + '\n'
  );
}

export function diffJson(changes: readonly ReachChange[]): string {
  return jsonSafe(JSON.stringify(changes, null, 2)) + '\n';
}

/** A cell of the Markdown table: the job summary's escaping (see report/job-summary). */
function mdCell(s: string): string {
  return escapeMarkdown(escapeControls(s));
}

/** A Markdown section; at most `limit` rows, the counts always of every change. */
export function diffMarkdown(
  changes: readonly ReachChange[],
  title = 'Connectivity changes',
  limit = Infinity,
): string {
  const count = (k: ReachChange['change']) => changes.filter((c) => c.change === k).length;
  const lines = [
    `### ${title}`,
    '',
    changes.length
      ? `${count('added')} opened, ${count('removed')} closed, ${count('changed')} changed.`
      : 'No change in connectivity.',
  ];
  if (changes.length) {
    lines.push('', '| change | src | dst | before | after |', '|---|---|---|---|---|');
    const word = { added: 'opens', removed: 'closes', changed: 'changes' };
    for (const c of changes.slice(0, limit))
      lines.push(
        `| ${word[c.change]} | ${mdCell(c.src)} | ${mdCell(c.dst)} | ${mdCell(c.before ?? '')} | ${mdCell(c.after ?? '')} |`,
      );
    if (changes.length > limit)
      lines.push('', `…and ${changes.length - limit} more (\`kube-netlint reach --diff\` lists all).`);
  }
  return lines.join('\n') + '\n';
}
