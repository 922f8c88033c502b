// What the HTML page of the map carries: the endpoints grouped by namespace, the connections, the
// diff, and for every ordered pair the explanation `reach --from/--to` prints (as indices into one
// table of lines, since the same lines repeat across a row or a column).
import { formatIp, type Family } from '../net/cidr';
import { ConnSet } from '../net/conns';
import type { ReachChange } from './diff';
import { explainPair, servicePortHints } from './explain';
import type { ReachMap, ReachNode } from './map';

/** Past this many endpoints the page carries no per-cell explanations (they grow with the square). */
export const MAX_EXPLAINED_NODES = 400;

export interface PageNode {
  id: string;
  /** The id, or for an address range that is one CIDR, the CIDR (`0.0.0.0/0`). */
  label: string;
  /** The namespace, `(outside)` for address ranges, `(ingress)` for the ingress controller. */
  group: string;
}

export interface PageData {
  nodes: PageNode[];
  edges: { src: string; dst: string; conn: string }[];
  diff: readonly ReachChange[];
  lines: string[];
  /** Line-index lists; cells[i * nodes.length + j] picks one for the pair (node i, node j), -1 for none. */
  patterns: number[][];
  cells: number[];
  /** Per destination node, the Service-port vs target-port hints (line indices). */
  hints: number[][];
  /** Display file → file:// URL, for the file:line links of the explanations. */
  files: Record<string, string>;
  explained: boolean;
}

/** `a.b.c.d/p` when first..last is exactly one CIDR block, else undefined. */
export function rangeCidr(family: Family, first: bigint, last: bigint): string | undefined {
  const size = last - first + 1n;
  if (size <= 0n || (size & (size - 1n)) !== 0n || first % size !== 0n) return undefined;
  const bits = size.toString(2).length - 1;
  return `${formatIp(family, first)}/${(family === 4 ? 32 : 128) - bits}`;
}

function labelOf(n: ReachNode): string {
  const e = n.endpoint;
  if (n.kind === 'external' && e.kind === 'range') return rangeCidr(e.family, e.first, e.last) ?? n.id;
  return n.id;
}

function groupOf(n: ReachNode): string {
  if (n.kind === 'external') return '(outside)';
  if (n.kind === 'ingress-controller') return '(ingress)';
  return n.pod?.namespace ?? n.id.split('/')[0] ?? '';
}

export function pageData(
  map: ReachMap,
  edges: { src: string; dst: string; conn: string }[],
  diff: readonly ReachChange[],
): PageData {
  const byId = new Map(map.nodes.map((n) => [n.id, n]));
  // Nodes only a diff names (a removed range, a removed workload) are shown too, without explanation.
  const ids = [
    ...new Set([
      ...map.nodes.map((n) => n.id),
      ...edges.flatMap((r) => [r.src, r.dst]),
      ...diff.flatMap((c) => [c.src, c.dst]),
    ]),
  ];
  const nodes: PageNode[] = ids.map((id) => {
    const n = byId.get(id);
    return n
      ? { id, label: labelOf(n), group: groupOf(n) }
      : { id, label: id, group: id.endsWith('[External]') ? '(outside)' : (id.split('/')[0] ?? '') };
  });
  nodes.sort((a, b) =>
    a.group < b.group ? -1 : a.group > b.group ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  const lines: string[] = [];
  const lineIdx = new Map<string, number>();
  const line = (s: string): number => {
    let i = lineIdx.get(s);
    if (i === undefined) {
      i = lines.length;
      lines.push(s);
      lineIdx.set(s, i);
    }
    return i;
  };
  const patterns: number[][] = [];
  const patternIdx = new Map<string, number>();
  const cells: number[] = [];
  const explained = nodes.length <= MAX_EXPLAINED_NODES;
  const all = ConnSet.all();
  const hints: number[][] = nodes.map((n) => {
    const node = byId.get(n.id);
    return explained && node ? servicePortHints(map, node).map(line) : [];
  });
  if (explained) {
    for (const a of nodes) {
      const src = byId.get(a.id);
      for (const b of nodes) {
        const dst = byId.get(b.id);
        if (!src || !dst || src === dst || (src.kind === 'external' && dst.kind === 'external')) {
          cells.push(-1);
          continue;
        }
        const idx = explainPair(map, src, dst, all).lines.map(line);
        const key = idx.join(',');
        let p = patternIdx.get(key);
        if (p === undefined) {
          p = patterns.length;
          patterns.push(idx);
          patternIdx.set(key, p);
        }
        cells.push(p);
      }
    }
  }
  const files: Record<string, string> = {};
  for (const p of map.engine.policies) {
    const f = p.obj.doc.file;
    if (f.absPath)
      files[f.path] =
        `file://${encodeURI(f.absPath.split('\\').join('/')).replace(/#/g, '%23').replace(/\?/g, '%3F')}`;
  }
  return { nodes, edges, diff, lines, patterns, cells, hints, files, explained };
}
