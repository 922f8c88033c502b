// The connectivity page in headless Chromium, at 3 and at 150 workloads: it loads offline, a cell's
// explanation opens, the filter and namespace collapse work; screenshots go to dist/test-output.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, runCli, tempDir } from './helpers';

const h = suite('reach: HTML page in a real browser');
const OUT = path.join(ROOT, 'dist', 'test-output');

function chromium(): string | undefined {
  for (const c of ['chromium', 'chromium-browser']) {
    if (spawnSync('sh', ['-c', `command -v ${c}`]).status === 0) return c;
  }
  return undefined;
}

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
];

function browse(browser: string, args: string[]): string {
  const profile = mkdtempSync(path.join(tmpdir(), 'chromium-'));
  try {
    // A generous kill-timeout only: nothing here measures speed.
    return execFileSync(browser, [...FLAGS, `--user-data-dir=${profile}`, ...args], {
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** `#open=` for one cell: source and destination keys joined by NUL, as a click sets it. */
const open = (src: string, dst: string) => `open=${encodeURIComponent(`${src}\u0000${dst}`)}`;

function explanation(dom: string): string {
  const m = /<pre id="explain-text">([\s\S]*?)<\/pre>/.exec(dom);
  return (m?.[1] ?? '')
    .replace(/<[^>]+>/g, '')
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&amp;/g, '&');
}

const deploy = (ns: string, name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}, tier: t${name.length % 3}}}\n    spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}\n---\n`;

/** 150 workloads in 10 namespaces; each namespace admits only its own pods and tier t0 from anywhere. */
function bigInput(dir: string): void {
  const docs: string[] = [];
  for (let n = 0; n < 10; n++) {
    const ns = `team-${n}`;
    for (let w = 0; w < 15; w++) docs.push(deploy(ns, `svc-${n}-${w}`));
    docs.push(
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: own, namespace: ${ns}}\nspec:\n  podSelector: {}\n  ingress:\n  - from: [{podSelector: {}}, {namespaceSelector: {}, podSelector: {matchLabels: {tier: t0}}}]\n    ports: [{port: 8080}]\n---\n`,
    );
  }
  writeFileSync(path.join(dir, 'big.yaml'), docs.join(''));
}

const browser = chromium();
if (!browser) {
  h('html', () =>
    console.log('\n  SKIPPED: HTML page test: no chromium (.ci/run installs Debian’s chromium).'),
  );
} else {
  h(
    '3 workloads: matrix, filter, a denied cell opens its reason with file:line links and the port hint',
    () => {
      mkdirSync(OUT, { recursive: true });
      const dir = tempDir();
      const page = path.join(dir, 'reach.html');
      writeFileSync(page, runCli(['reach', 'examples', '-f', 'html']).stdout);
      const url = `file://${page}`;
      const all = browse(browser, ['--dump-dom', url]);
      assert.match(all, /4 of 4 endpoints/);
      assert.match(all, /<th class="row">shop\/web\[Deployment\]<\/th>.*TCP 8080,9000/s);
      assert.match(all, /<g class="cluster" data-ns="shop">/, 'the graph groups by namespace');
      const filtered = browse(browser, ['--dump-dom', `${url}#filter=db`]);
      assert.match(filtered, /1 of 4 endpoints/);
      assert.equal(
        [...filtered.matchAll(/<tr data-src="([^"]+)"/g)].map((m) => m[1]),
        ['shop/db[StatefulSet]'],
      );
      // The same text --from/--to prints, under the DENIED headline.
      const cli = runCli(['reach', 'examples', '--from', 'shop/db', '--to', 'shop/web']).stdout;
      const dom = browse(browser, [
        '--dump-dom',
        `${url}#${open('shop/db[StatefulSet]', 'shop/web[Deployment]')}`,
      ]);
      const text = explanation(dom);
      for (const line of cli.trim().split('\n')) assert.ok(text.includes(line), `${line}\nnot in\n${text}`);
      assert.match(
        dom,
        /<a href="file:\/\/[^"]+\/examples\/shop\/policies\.yaml">examples\/shop\/policies\.yaml:\d+<\/a>/,
      );
      assert.match(text, /hint: Service shop\/web forwards TCP 80 to the pods' TCP 8080/);
      // An allowed cell names the rule that allows it.
      const yes = explanation(
        browse(browser, ['--dump-dom', `${url}#${open('shop/web[Deployment]', 'shop/carts[Deployment]')}`]),
      );
      assert.match(yes, /^ALLOWED: shop\/web\[Deployment\] → shop\/carts\[Deployment\]: TCP 8080,9000$/m);
      assert.match(yes, /allowed by ingress rule \d of NetworkPolicy shop\//);
      const shot = path.join(OUT, 'reach-3.png');
      browse(browser, [
        '--window-size=1100,1000',
        `--screenshot=${shot}`,
        `${url}#${open('shop/db[StatefulSet]', 'shop/web[Deployment]')}`,
      ]);
      assert.ok(statSync(shot).size > 10_000, 'a screenshot was made');
      console.log(`\n  screenshot: ${shot}`);
    },
  );

  h('150 workloads: namespaces group and collapse, the graph shows namespaces, cells still explain', () => {
    mkdirSync(OUT, { recursive: true });
    const dir = tempDir();
    bigInput(dir);
    const page = path.join(dir, 'reach.html');
    writeFileSync(page, runCli(['reach', '--no-config', dir, '-f', 'html']).stdout);
    const url = `file://${page}`;
    const all = browse(browser, ['--dump-dom', url]);
    assert.match(all, /151 of 151 endpoints/);
    assert.is([...all.matchAll(/<th class="ns" data-ns="team-\d"/g)].length, 10, 'one header per namespace');
    assert.is([...all.matchAll(/<tr data-src=/g)].length, 151, '150 workloads and the outside');
    // Past 80 endpoints the graph draws namespaces as nodes.
    assert.is([...all.matchAll(/<g class="node ns" data-key="ns:team-\d"/g)].length, 10);
    const collapsed = browse(browser, ['--dump-dom', `${url}#collapse=team-0,team-1`]);
    assert.is([...collapsed.matchAll(/<tr data-src=/g)].length, 121);
    assert.match(collapsed, /<tr data-ns="team-0"><th class="row">team-0 \(15\)<\/th>/);
    const filtered = browse(browser, ['--dump-dom', `${url}#filter=team-3`]);
    assert.match(filtered, /15 of 151 endpoints/);
    const text = explanation(
      browse(browser, [
        '--dump-dom',
        `${url}#${open('team-1/svc-1-1[Deployment]', 'team-2/svc-2-2[Deployment]')}`,
      ]),
    );
    assert.match(text, /^DENIED: team-1\/svc-1-1\[Deployment\] → team-2\/svc-2-2\[Deployment\]$/m);
    assert.match(text, /ingress of team-2\/svc-2-2\[Deployment\]: isolated by NetworkPolicy team-2\/own/);
    const shot = path.join(OUT, 'reach-150.png');
    browse(browser, [
      '--window-size=1400,1100',
      `--screenshot=${shot}`,
      `${url}#collapse=team-2,team-3,team-4`,
    ]);
    assert.ok(statSync(shot).size > 10_000, 'a screenshot was made');
    console.log(`\n  screenshot: ${shot}`);
  });

  h('--diff: added, removed and changed cells are outlined, and the reason says what the change does', () => {
    const dir = tempDir();
    const deny =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: team-0}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n---\n';
    const allow = (from: string) =>
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow, namespace: team-0}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress: [{from: [{podSelector: {matchLabels: {app: ${from}}}}]}]\n`;
    const apps = deploy('team-0', 'web') + deploy('team-0', 'pay') + deploy('team-0', 'db');
    mkdirSync(path.join(dir, 'old'));
    mkdirSync(path.join(dir, 'new'));
    writeFileSync(path.join(dir, 'old', 'all.yaml'), apps + deny + allow('web'));
    writeFileSync(path.join(dir, 'new', 'all.yaml'), apps + deny + allow('pay'));
    const page = path.join(dir, 'diff.html');
    const r = runCli(['reach', '--no-config', 'new', '--diff', 'old', '-f', 'html'], { cwd: dir });
    writeFileSync(page, r.stdout);
    const dom = browse(browser, [
      '--dump-dom',
      `file://${page}#${open('team-0/web[Deployment]', 'team-0/db[Deployment]')}`,
    ]);
    assert.match(
      dom,
      /<td data-cell="team-0\/pay\[Deployment\][^"]team-0\/db\[Deployment\]" class="all added"/,
    );
    assert.match(
      dom,
      /<td data-cell="team-0\/web\[Deployment\][^"]team-0\/db\[Deployment\]" class="none removed" title="removed, was All Connections"/,
    );
    assert.match(explanation(dom), /^ {2}this change closes it \(was All Connections\)$/m);
    assert.match(dom, /1 opened<\/span> <span class="removed">1 closed/);
  });
}

h.run();
