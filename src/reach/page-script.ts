// The script of the connectivity page (runs in the browser, reads DATA and the global `dagre`).
// State lives in the URL hash (#filter=…&open=i,j&collapse=ns,ns), so a view can be linked to, and
// a click on a cell or a namespace goes through the same path as opening such a link.
export const PAGE_SCRIPT = String.raw`
const N = DATA.nodes.length;
const index = new Map(DATA.nodes.map((n, i) => [n.id, i]));
const conn = new Map(DATA.edges.map((e) => [e.src + '\u0000' + e.dst, e.conn]));
const change = new Map(DATA.diff.map((c) => [c.src + '\u0000' + c.dst, c]));
const groups = [...new Set(DATA.nodes.map((n) => n.group))];
const members = new Map(groups.map((g) => [g, DATA.nodes.filter((n) => n.group === g)]));
function state() {
  const p = new URLSearchParams(location.hash.slice(1));
  return {
    filter: p.get('filter') || '',
    open: p.get('open') || '',
    collapse: new Set((p.get('collapse') || '').split(',').filter(Boolean)),
  };
}
function setState(s) {
  const p = new URLSearchParams();
  if (s.filter) p.set('filter', s.filter);
  if (s.open) p.set('open', s.open);
  if (s.collapse.size) p.set('collapse', [...s.collapse].join(','));
  history.replaceState(null, '', '#' + p.toString());
  render();
}
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
/** The endpoints a filter shows: those matching it, by id, label or namespace. */
function shownNodes(f) {
  f = f.trim().toLowerCase();
  return DATA.nodes.filter((n) => !f || n.id.toLowerCase().includes(f) || n.label.toLowerCase().includes(f) || n.group.toLowerCase().includes(f));
}
/** Matrix entries: a node, or a collapsed namespace standing for its shown nodes. */
function entries(nodes, collapse) {
  const out = [];
  const seen = new Set();
  for (const n of nodes) {
    if (collapse.has(n.group)) {
      if (seen.has(n.group)) continue;
      seen.add(n.group);
      out.push({ key: 'ns:' + n.group, label: n.group + ' (' + nodes.filter((m) => m.group === n.group).length + ')', group: n.group, nodes: nodes.filter((m) => m.group === n.group) });
    } else out.push({ key: n.id, label: n.label, group: n.group, nodes: [n] });
  }
  return out;
}
function cellOf(a, b) {
  if (a.nodes.length === 1 && b.nodes.length === 1) {
    const s = a.nodes[0].id, d = b.nodes[0].id;
    return { conn: s === d ? undefined : conn.get(s + '\u0000' + d), change: change.get(s + '\u0000' + d), self: s === d };
  }
  let allowed = 0, pairs = 0, changed = undefined;
  for (const s of a.nodes) for (const d of b.nodes) {
    if (s.id === d.id) continue;
    pairs++;
    if (conn.has(s.id + '\u0000' + d.id)) allowed++;
    changed = changed || change.get(s.id + '\u0000' + d.id);
  }
  return { conn: allowed ? allowed + '/' + pairs + ' pairs' : undefined, change: changed, self: false };
}
function render() {
  const s = state();
  const input = document.getElementById('filter');
  if (input.value !== s.filter) input.value = s.filter;
  const shown = shownNodes(s.filter);
  const shownSet = new Set(shown.map((n) => n.id));
  // Columns: shown nodes and what they connect to, so a filtered row still shows its peers.
  const colNodes = DATA.nodes.filter((d) => !s.filter || shownSet.has(d.id) || DATA.edges.some((e) => shownSet.has(e.src) && e.dst === d.id));
  const rows = entries(shown, s.collapse), cols = entries(colNodes, s.collapse);
  const table = el('table', 'matrix');
  const head = table.createTHead().insertRow();
  head.appendChild(el('th', 'corner', 'src \\ dst'));
  for (const c of cols) { const th = el('th', 'col', c.label); th.title = c.key; th.dataset.group = c.group; head.appendChild(th); }
  const body = table.createTBody();
  let group;
  for (const r of rows) {
    if (r.group !== group) {
      group = r.group;
      const tr = body.insertRow();
      tr.className = 'ns';
      const th = el('th', 'ns', (s.collapse.has(group) ? '▸ ' : '▾ ') + group);
      th.dataset.ns = group;
      th.title = s.collapse.has(group) ? 'expand this namespace' : 'collapse this namespace';
      th.colSpan = cols.length + 1;
      tr.appendChild(th);
      if (s.collapse.has(group)) { /* the collapsed row follows */ }
    }
    const row = body.insertRow();
    if (r.nodes.length === 1) row.dataset.src = r.nodes[0].id;
    else row.dataset.ns = r.group;
    row.appendChild(el('th', 'row', r.label));
    for (const c of cols) {
      const td = row.insertCell();
      const x = cellOf(r, c);
      td.dataset.cell = r.key + '\u0000' + c.key;
      if (x.self) { td.className = 'self'; continue; }
      if (x.conn) { td.textContent = x.conn; td.className = x.conn === 'All Connections' ? 'all' : 'allow'; }
      else { td.textContent = '·'; td.className = 'none'; }
      if (x.change) { td.classList.add(x.change.change); td.title = x.change.change + (x.change.before ? ', was ' + x.change.before : ''); }
    }
  }
  document.getElementById('matrix').replaceChildren(table);
  document.getElementById('count').textContent = shown.length + ' of ' + N + ' endpoints';
  drawGraph(shown, s);
  explain(s.open);
}
function linkify(parent, text) {
  const re = /\(([^()]+):(\d+)\)/g;
  let at = 0, m;
  while ((m = re.exec(text))) {
    parent.appendChild(document.createTextNode(text.slice(at, m.index + 1)));
    const url = DATA.files[m[1]];
    const a = el(url ? 'a' : 'span', '', m[1] + ':' + m[2]);
    if (url) a.href = url;
    parent.appendChild(a);
    parent.appendChild(document.createTextNode(')'));
    at = m.index + m[0].length;
  }
  parent.appendChild(document.createTextNode(text.slice(at)));
}
/** Opens the explanation of one cell: the text reach --from/--to prints. */
function explain(open) {
  const panel = document.getElementById('explain');
  const [a, b] = open.split('\u0000');
  const lines = [];
  const pairs = [];
  if (open) {
    const s = state();
    const expand = (key) => key.startsWith('ns:') ? (members.get(key.slice(3)) || []) : DATA.nodes.filter((n) => n.id === key);
    for (const x of expand(a)) for (const y of expand(b)) if (x.id !== y.id) pairs.push([x, y]);
    for (const [x, y] of pairs.slice(0, 20)) {
      const c = conn.get(x.id + '\u0000' + y.id);
      lines.push(c ? 'ALLOWED: ' + x.id + ' → ' + y.id + ': ' + c : 'DENIED: ' + x.id + ' → ' + y.id);
      const ch = change.get(x.id + '\u0000' + y.id);
      if (ch) lines.push('  this change ' + (ch.change === 'added' ? 'opens it' : ch.change === 'removed' ? 'closes it (was ' + ch.before + ')' : 'changes it (was ' + ch.before + ')'));
      const i = index.get(x.id), j = index.get(y.id);
      const p = DATA.explained ? DATA.cells[i * N + j] : -1;
      if (p >= 0) for (const l of DATA.patterns[p]) lines.push(DATA.lines[l]);
      else if (!DATA.explained) lines.push('  (too many endpoints to explain here: run kube-netlint reach --from ' + x.id + ' --to ' + y.id + ')');
      for (const l of DATA.hints[j] || []) lines.push(DATA.lines[l]);
    }
    if (pairs.length > 20) lines.push('… and ' + (pairs.length - 20) + ' more pairs: expand the namespace to see each');
    void s;
  }
  panel.hidden = !open;
  const pre = document.getElementById('explain-text');
  pre.replaceChildren();
  for (const l of lines) { linkify(pre, l); pre.appendChild(document.createTextNode('\n')); }
}
const NS = 'http://www.w3.org/2000/svg';
function svgEl(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}
/** The graph, laid out by dagre: namespaces as clusters, collapsed ones as one node. */
function drawGraph(shown, s) {
  const svg = document.getElementById('graph');
  svg.replaceChildren();
  const set = new Set(shown.map((n) => n.id));
  const nodes = DATA.nodes.filter((n) => set.has(n.id) || DATA.edges.some((e) => (set.has(e.src) && e.dst === n.id) || (set.has(e.dst) && e.src === n.id)));
  // Past 80 endpoints a graph of workloads is a hairball: namespaces not expanded by hand collapse.
  const auto = nodes.length > 80;
  const collapsed = (g) => s.collapse.has(g) || (auto && !s.collapse.has('+' + g));
  const keyOf = (n) => collapsed(n.group) ? 'ns:' + n.group : n.id;
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 60, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) {
    const k = keyOf(n);
    if (g.hasNode(k)) continue;
    const label = k.startsWith('ns:') ? '▸ ' + n.group + ' (' + nodes.filter((m) => m.group === n.group).length + ')' : n.label.replace(/^[^/]*\//, '');
    g.setNode(k, { label, width: Math.min(260, 12 + 6.6 * label.length), height: 24, group: n.group, kind: n.id.endsWith('[External]') ? 'ext' : n.id.startsWith('{') ? 'ctl' : k.startsWith('ns:') ? 'ns' : 'wl' });
    if (!k.startsWith('ns:')) {
      if (!g.hasNode('cluster:' + n.group)) g.setNode('cluster:' + n.group, { label: n.group, cluster: true });
      g.setParent(k, 'cluster:' + n.group);
    }
  }
  const edgeConn = new Map();
  for (const e of DATA.edges) {
    if (!index.has(e.src) || !index.has(e.dst)) continue;
    const a = DATA.nodes[index.get(e.src)], b = DATA.nodes[index.get(e.dst)];
    if (!(set.has(a.id) || set.has(b.id)) || !g.hasNode(keyOf(a)) || !g.hasNode(keyOf(b))) continue;
    const ka = keyOf(a), kb = keyOf(b);
    if (ka === kb) continue;
    const k = ka + '\u0000' + kb;
    edgeConn.set(k, edgeConn.has(k) ? 'several' : e.conn);
    g.setEdge(ka, kb);
  }
  dagre.layout(g);
  const gr = g.graph();
  svg.setAttribute('width', Math.max(300, Math.ceil(gr.width || 0)));
  svg.setAttribute('height', Math.max(120, Math.ceil(gr.height || 0)));
  const defs = svgEl('defs', {});
  const marker = svgEl('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.appendChild(svgEl('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#59636e' }));
  defs.appendChild(marker);
  svg.appendChild(defs);
  for (const k of g.nodes()) {
    const n = g.node(k);
    if (!n.cluster) continue;
    const box = svgEl('g', { class: 'cluster', 'data-ns': n.label });
    box.appendChild(svgEl('rect', { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height, rx: 6 }));
    box.appendChild(svgEl('text', { x: n.x - n.width / 2 + 6, y: n.y - n.height / 2 + 12 }, '▾ ' + n.label));
    svg.appendChild(box);
  }
  for (const e of g.edges()) {
    const pts = g.edge(e).points || [];
    const c = edgeConn.get(e.v + '\u0000' + e.w);
    const path = svgEl('polyline', { points: pts.map((p) => p.x + ',' + p.y).join(' '), fill: 'none', stroke: c === 'All Connections' ? '#2da44e' : '#0969da', 'stroke-width': 1.2, 'marker-end': 'url(#arrow)' });
    path.appendChild(svgEl('title', {}, e.v.replace(/^ns:/, '') + ' → ' + e.w.replace(/^ns:/, '') + ': ' + c));
    svg.appendChild(path);
  }
  for (const k of g.nodes()) {
    const n = g.node(k);
    if (n.cluster) continue;
    const box = svgEl('g', { class: 'node ' + n.kind, 'data-key': k, 'data-ns': n.group });
    box.appendChild(svgEl('rect', { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height, rx: 4 }));
    box.appendChild(svgEl('text', { x: n.x, y: n.y + 4, 'text-anchor': 'middle' }, n.label));
    box.appendChild(svgEl('title', {}, k.replace(/^ns:/, 'namespace ')));
    svg.appendChild(box);
  }
  document.getElementById('graph-note').textContent = auto ? 'More than 80 endpoints: the graph shows namespaces; click one to expand it.' : '';
}
document.getElementById('filter').addEventListener('input', (ev) => { const s = state(); s.filter = ev.target.value; setState(s); });
document.getElementById('matrix').addEventListener('click', (ev) => {
  const t = ev.target.closest('td, th.ns');
  if (!t) return;
  const s = state();
  if (t.dataset.ns) { s.collapse.has(t.dataset.ns) ? s.collapse.delete(t.dataset.ns) : s.collapse.add(t.dataset.ns); }
  else if (t.dataset.cell) s.open = t.dataset.cell;
  setState(s);
});
document.getElementById('graph').addEventListener('click', (ev) => {
  const t = ev.target.closest('[data-ns]');
  if (!t) return;
  const s = state();
  const ns = t.dataset.ns;
  const auto = document.getElementById('graph-note').textContent !== '';
  if (auto) { s.collapse.has('+' + ns) ? s.collapse.delete('+' + ns) : s.collapse.add('+' + ns); }
  else { s.collapse.has(ns) ? s.collapse.delete(ns) : s.collapse.add(ns); }
  setState(s);
});
document.getElementById('close').addEventListener('click', () => { const s = state(); s.open = ''; setState(s); });
window.addEventListener('hashchange', render);
render();
`;
