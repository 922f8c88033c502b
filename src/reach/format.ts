// Renderings of the connectivity map. The text, CSV, Markdown and JSON forms follow netpol-analyzer's
// conventions (`src => dst : conn`), so the two tools' outputs can be diffed.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { escapeControls, jsonSafe } from '../report/safe-text';
import type { ReachChange } from './diff';
import type { ReachEdge, ReachMap } from './map';
import { pageData } from './page-data';
import { PAGE_SCRIPT } from './page-script';

export type ReachFormat = 'text' | 'json' | 'csv' | 'md' | 'dot' | 'mermaid' | 'html';
export const REACH_FORMATS: readonly ReachFormat[] = ['text', 'json', 'csv', 'md', 'dot', 'mermaid', 'html'];

interface Row {
  src: string;
  dst: string;
  conn: string;
}

export function rows(edges: readonly ReachEdge[]): Row[] {
  return edges
    .map((e) => ({ src: e.src.id, dst: e.dst.id, conn: e.conns.toString() }))
    .sort((a, b) => (a.src < b.src ? -1 : a.src > b.src ? 1 : a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
}

// Endpoint names come from the input. Each format escapes them for what reads it:

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or CR before one) as a formula: such
 * a cell gets a leading `'`, which spreadsheets show as text (OWASP's advice for CSV injection).
 */
function csvCell(raw: string): string {
  const s = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A Markdown table cell: what can start markup inside a line (emphasis, code, links, HTML, entities,
 * strike-through, the cell separator `|`) gets a backslash, and autolinks are broken.
 */
function mdCell(s: string): string {
  return escapeControls(s)
    .replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`)
    .replace(/:\/\//g, ':\\/\\/');
}

function dotId(s: string): string {
  return `"${escapeControls(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * A Mermaid label in quotes, where Mermaid still reads HTML and Markdown: everything but letters,
 * digits and plain punctuation as an entity code (`#60;`), which Mermaid turns back into the
 * character as text.
 */
function mermaidLabel(s: string): string {
  return `"${[...escapeControls(s)].map((c) => (/[A-Za-z0-9 /.:,-]/.test(c) ? c : `#${c.codePointAt(0)};`)).join('')}"`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function formatReach(
  map: ReachMap,
  edges: readonly ReachEdge[],
  format: ReachFormat,
  diff?: readonly ReachChange[],
): string {
  const list = rows(edges);
  switch (format) {
    case 'json':
      return jsonSafe(JSON.stringify(list, null, 2)) + '\n';
    case 'csv':
      return (
        ['src,dst,conn', ...list.map((r) => [r.src, r.dst, r.conn].map(csvCell).join(','))].join('\n') + '\n'
      );
    case 'md':
      return (
        [
          '| src | dst | conn |',
          '|-----|-----|------|',
          ...list.map((r) => `| ${mdCell(r.src)} | ${mdCell(r.dst)} | ${mdCell(r.conn)} |`),
        ].join('\n') + '\n'
      );
    case 'dot': {
      const names = [...new Set(list.flatMap((r) => [r.src, r.dst]))];
      const lines = [
        'digraph connectivity {',
        '  rankdir=LR;',
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
      ];
      for (const n of names)
        lines.push(`  ${dotId(n)}${n.endsWith('[External]') ? ' [shape=ellipse, style=dashed]' : ''};`);
      for (const r of list) lines.push(`  ${dotId(r.src)} -> ${dotId(r.dst)} [label=${dotId(r.conn)}];`);
      lines.push('}');
      return lines.join('\n') + '\n';
    }
    case 'mermaid': {
      const names = [...new Set(list.flatMap((r) => [r.src, r.dst]))];
      const ids = new Map(names.map((n, i) => [n, `n${i}`]));
      return (
        [
          'graph LR',
          ...names.map((n) => `  ${ids.get(n)}[${mermaidLabel(n)}]`),
          ...list.map((r) => `  ${ids.get(r.src)} -->|${mermaidLabel(r.conn)}| ${ids.get(r.dst)}`),
        ].join('\n') + '\n'
      );
    }
    case 'html':
      return withContentSecurityPolicy(htmlPage(map, list, diff));
    default:
      return list.map((r) => `${r.src} => ${r.dst} : ${r.conn}`).join('\n') + (list.length ? '\n' : '');
  }
}

const sha256 = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/**
 * The page is self-contained, so it can forbid everything else: a strict Content-Security-Policy
 * allows exactly its own inline styles and scripts (by hash), nothing from the network, no plugins,
 * no base or form targets. Should a name ever slip past the escaping, it cannot run or load anything.
 */
function withContentSecurityPolicy(page: string): string {
  const styles = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => sha256(m[1] ?? ''));
  const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => sha256(m[1] ?? ''));
  const policy = [
    "default-src 'none'",
    `style-src ${styles.join(' ')}`,
    `script-src ${scripts.join(' ')}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return page.replace(
    '<meta charset="utf-8">\n',
    `<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="${policy}">\n`,
  );
}

/**
 * dagre (MIT; github.com/dagrejs/dagre), the graph-layout library, inlined into the page so it works
 * offline: its browser build, with its licence notice. Read when a page is made.
 */
function dagreScript(): string {
  // Resolved at run time (the Action's bundle never makes a page, and need not carry dagre).
  const dir = path.dirname(createRequire(__filename).resolve('@dagrejs/dagre/package.json'));
  const code = readFileSync(path.join(dir, 'dist', 'dagre.min.js'), 'utf8');
  const legal = readFileSync(path.join(dir, 'dist', 'dagre.min.js.LEGAL.txt'), 'utf8');
  // Inside <script>, only `</script` could end the element early.
  return `${legal}\n${code}`.replace(/<\/(script)/gi, '<\\/$1');
}

/**
 * One self-contained page (no network access): a matrix grouped by namespace with sticky headers,
 * a graph laid out by dagre with namespaces as clusters, and behind every cell the explanation
 * `reach --from/--to` prints. State is in the URL: `#filter=text&open=SRC%00DST&collapse=ns,ns`.
 */
function htmlPage(map: ReachMap, list: Row[], diff: readonly ReachChange[] = []): string {
  const data = pageData(map, list, diff);
  const json = JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  const count = (k: ReachChange['change']) => diff.filter((c) => c.change === k).length;
  const diffNote = diff.length
    ? `<div class="meta legend">This change: <span class="added">${count('added')} opened</span> <span class="removed">${count('removed')} closed</span> <span class="changed">${count('changed')} changed</span></div>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kube-netlint connectivity</title>
<style>
  body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 1.5rem; color: #1f2328; }
  h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
  .meta { color: #59636e; margin-bottom: .6rem; }
  input { font: inherit; padding: .35rem .5rem; width: 22rem; border: 1px solid #d1d9e0; border-radius: 6px; }
  #matrix { max-height: 70vh; max-width: 100%; overflow: auto; margin-top: 1rem; border: 1px solid #d1d9e0; border-radius: 6px; }
  table { border-collapse: separate; border-spacing: 0; }
  th, td { border: 1px solid #eef1f4; padding: .25rem .4rem; text-align: left; vertical-align: top; white-space: nowrap; background: #fff; }
  thead th { background: #f6f8fa; position: sticky; top: 0; z-index: 2; }
  th.col { writing-mode: vertical-rl; transform: rotate(180deg); max-height: 14rem; overflow: hidden; text-overflow: ellipsis; }
  th.row { position: sticky; left: 0; z-index: 1; background: #f6f8fa; max-width: 22rem; overflow: hidden; text-overflow: ellipsis; }
  th.corner { left: 0; z-index: 3; }
  th.ns { background: #ddf4ff; cursor: pointer; position: sticky; left: 0; font-weight: 600; }
  td { cursor: pointer; }
  td.allow { background: #dafbe1; }
  td.all { background: #aceebb; }
  td.none { color: #afb8c1; text-align: center; }
  td.self { background: #f6f8fa; cursor: default; }
  td.added, .legend .added { outline: 2px solid #1a7f37; outline-offset: -2px; font-weight: 600; }
  td.removed, .legend .removed { outline: 2px solid #cf222e; outline-offset: -2px; background: #ffebe9; }
  td.changed, .legend .changed { outline: 2px solid #9a6700; outline-offset: -2px; background: #fff8c5; }
  .legend span { padding: 0 .4rem; margin-right: .4rem; }
  #explain { position: fixed; right: 1rem; bottom: 1rem; width: min(46rem, 90vw); max-height: 45vh; overflow: auto; background: #fff; border: 1px solid #d1d9e0; border-radius: 8px; box-shadow: 0 8px 24px rgba(140,149,159,.3); padding: .6rem .8rem; z-index: 5; }
  #explain pre { margin: 0; white-space: pre-wrap; font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
  #close { float: right; font: inherit; border: 1px solid #d1d9e0; background: #f6f8fa; border-radius: 6px; cursor: pointer; }
  #graph-box { overflow: auto; max-width: 100%; margin-top: 1rem; border: 1px solid #d1d9e0; border-radius: 6px; }
  svg { background: #fff; font-size: 11px; }
  g.cluster rect { fill: #f6f8fa; stroke: #d1d9e0; }
  g.cluster text { fill: #59636e; font-weight: 600; cursor: pointer; }
  g.node rect { fill: #ddf4ff; stroke: #0969da; }
  g.node.ext rect { fill: #fff8c5; stroke: #bf8700; stroke-dasharray: 3 2; }
  g.node.ctl rect { fill: #fbefff; stroke: #8250df; }
  g.node.ns rect { fill: #eef1f4; stroke: #59636e; cursor: pointer; }
  .count { margin-left: .5rem; color: #59636e; }
</style>
</head>
<body>
<h1>Connectivity allowed by NetworkPolicies</h1>
<div class="meta">Generated by kube-netlint from ${escapeHtml(String(data.nodes.length))} endpoints and ${escapeHtml(String(list.length))} allowed connections. Rows are sources, columns destinations; click a cell for the reason, a namespace to collapse it.</div>
${diffNote}
<label>Filter endpoints <input id="filter" type="search" placeholder="namespace, workload or address"></label><span class="count" id="count"></span>
<div id="matrix"></div>
<div id="explain" hidden><button id="close" type="button">close</button><pre id="explain-text"></pre></div>
<div class="meta" id="graph-note"></div>
<div id="graph-box"><svg id="graph" width="860" height="520" role="img" aria-label="connectivity graph"></svg></div>
<script>
${dagreScript()}
</script>
<script>
const DATA = ${json};
${PAGE_SCRIPT}
</script>
</body>
</html>
`;
}
