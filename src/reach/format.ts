// Renderings of the connectivity map. The text, CSV, Markdown and JSON forms follow netpol-analyzer's
// conventions (`src => dst : conn`), so the two tools' outputs can be diffed.
import { createHash } from 'node:crypto';
import { escapeControls, jsonSafe } from '../report/safe-text';
import type { ReachEdge, ReachMap } from './map';

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

export function formatReach(map: ReachMap, edges: readonly ReachEdge[], format: ReachFormat): string {
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
      return withContentSecurityPolicy(htmlPage(map, list));
    default:
      return list.map((r) => `${r.src} => ${r.dst} : ${r.conn}`).join('\n') + (list.length ? '\n' : '');
  }
}

const sha256 = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/**
 * The page is self-contained, so it can forbid everything else: a strict Content-Security-Policy
 * allows exactly its own inline style and script (by hash), nothing from the network, no plugins,
 * no base or form targets. Should a name ever slip past the escaping, it cannot run or load anything.
 */
function withContentSecurityPolicy(page: string): string {
  const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? '';
  const script = /<script>([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
  const policy = [
    "default-src 'none'",
    `style-src ${sha256(style)}`,
    `script-src ${sha256(script)}`,
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
 * One self-contained page (no network access): a filterable matrix and a graph of the map. The
 * filter can be preset with `#filter=text` in the URL.
 */
function htmlPage(map: ReachMap, list: Row[]): string {
  const nodes = [...new Set([...map.nodes.map((n) => n.id), ...list.flatMap((r) => [r.src, r.dst])])].sort();
  const data = JSON.stringify({ nodes, edges: list }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kube-netlint connectivity</title>
<style>
  body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 1.5rem; color: #1f2328; }
  h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
  .meta { color: #59636e; margin-bottom: 1rem; }
  input { font: inherit; padding: .35rem .5rem; width: 22rem; border: 1px solid #d1d9e0; border-radius: 6px; }
  table { border-collapse: collapse; margin-top: 1rem; }
  th, td { border: 1px solid #d1d9e0; padding: .3rem .45rem; text-align: left; vertical-align: top; white-space: nowrap; }
  thead th { background: #f6f8fa; position: sticky; top: 0; }
  th.col { writing-mode: vertical-rl; transform: rotate(180deg); max-height: 16rem; }
  td.allow { background: #dafbe1; }
  td.all { background: #aceebb; }
  td.none { color: #d1d9e0; text-align: center; }
  td.self { background: #f6f8fa; }
  svg { border: 1px solid #d1d9e0; border-radius: 6px; margin-top: 1rem; background: #fff; }
  .count { margin-left: .5rem; color: #59636e; }
</style>
</head>
<body>
<h1>Connectivity allowed by NetworkPolicies</h1>
<div class="meta">Generated by kube-netlint from ${escapeHtml(String(nodes.length))} endpoints and ${escapeHtml(String(list.length))} allowed connections. Rows are sources, columns destinations.</div>
<label>Filter endpoints <input id="filter" type="search" placeholder="namespace, workload or address"></label><span class="count" id="count"></span>
<div id="matrix"></div>
<svg id="graph" width="860" height="520" role="img" aria-label="connectivity graph"></svg>
<script>
const DATA = ${data};
const conn = new Map(DATA.edges.map((e) => [e.src + '\\u0000' + e.dst, e.conn]));
function render(filter) {
  const f = filter.trim().toLowerCase();
  const shown = DATA.nodes.filter((n) => !f || n.toLowerCase().includes(f));
  const involved = new Set(shown);
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  head.appendChild(document.createElement('th')).textContent = 'src \\\\ dst';
  for (const d of DATA.nodes) { if (!f || involved.has(d) || DATA.edges.some((e) => involved.has(e.src) && e.dst === d)) { const th = document.createElement('th'); th.className = 'col'; th.textContent = d; head.appendChild(th); } }
  const cols = [...head.cells].slice(1).map((c) => c.textContent);
  const body = table.createTBody();
  for (const s of shown) {
    const row = body.insertRow();
    row.dataset.src = s;
    const th = document.createElement('th'); th.textContent = s; row.appendChild(th);
    for (const d of cols) {
      const td = row.insertCell();
      const c = conn.get(s + '\\u0000' + d);
      if (s === d) { td.className = 'self'; }
      else if (c) { td.textContent = c; td.className = c === 'All Connections' ? 'all' : 'allow'; }
      else { td.textContent = '·'; td.className = 'none'; }
    }
  }
  const holder = document.getElementById('matrix');
  holder.replaceChildren(table);
  document.getElementById('count').textContent = shown.length + ' of ' + DATA.nodes.length + ' endpoints';
  drawGraph(shown);
}
function drawGraph(shown) {
  const svg = document.getElementById('graph');
  const NS = 'http://www.w3.org/2000/svg';
  svg.replaceChildren();
  const set = new Set(shown);
  const nodes = DATA.nodes.filter((n) => set.has(n) || DATA.edges.some((e) => (set.has(e.src) && e.dst === n) || (set.has(e.dst) && e.src === n)));
  const w = +svg.getAttribute('width'), h = +svg.getAttribute('height');
  const r = Math.min(w, h) / 2 - 90, cx = w / 2, cy = h / 2;
  const pos = new Map(nodes.map((n, i) => [n, [cx + r * Math.cos((2 * Math.PI * i) / Math.max(1, nodes.length)), cy + r * Math.sin((2 * Math.PI * i) / Math.max(1, nodes.length))]]));
  const marker = document.createElementNS(NS, 'defs');
  marker.innerHTML = '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#59636e"/></marker>';
  svg.appendChild(marker);
  for (const e of DATA.edges) {
    if (!pos.has(e.src) || !pos.has(e.dst) || !(set.has(e.src) || set.has(e.dst))) continue;
    const [x1, y1] = pos.get(e.src), [x2, y2] = pos.get(e.dst);
    const line = document.createElementNS(NS, 'line');
    Object.entries({ x1, y1, x2, y2, stroke: e.conn === 'All Connections' ? '#2da44e' : '#0969da', 'stroke-width': 1.2, 'marker-end': 'url(#arrow)' }).forEach(([k, v]) => line.setAttribute(k, v));
    const title = document.createElementNS(NS, 'title'); title.textContent = e.src + ' → ' + e.dst + ': ' + e.conn; line.appendChild(title);
    svg.appendChild(line);
  }
  for (const n of nodes) {
    const [x, y] = pos.get(n);
    const c = document.createElementNS(NS, 'circle');
    Object.entries({ cx: x, cy: y, r: 6, fill: n.endsWith('[External]') ? '#bf8700' : n.startsWith('{') ? '#8250df' : '#0969da' }).forEach(([k, v]) => c.setAttribute(k, v));
    svg.appendChild(c);
    const t = document.createElementNS(NS, 'text');
    Object.entries({ x: x + (x < cx ? -10 : 10), y: y + 4, 'text-anchor': x < cx ? 'end' : 'start', 'font-size': 11 }).forEach(([k, v]) => t.setAttribute(k, v));
    t.textContent = n;
    svg.appendChild(t);
  }
}
const input = document.getElementById('filter');
const preset = new URLSearchParams(location.hash.slice(1)).get('filter') || '';
input.value = preset;
input.addEventListener('input', () => render(input.value));
render(preset);
</script>
</body>
</html>
`;
}
