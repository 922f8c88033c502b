import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../src/config/types';
import { load } from '../src/load/index';
import { withoutKustomizePatches } from '../src/load/kustomize';
import { Model } from '../src/model/model';
import { buildReachMap } from '../src/reach/map';
import { ConnSet } from '../src/net/conns';
import { CORPUS, runCli, sharedAvailable, skipNotice, tempDir } from './helpers';

const c = suite('reach: connection sets');

c('union, intersection and the netpol-analyzer text form', () => {
  const a = ConnSet.of('TCP', 80, 80)
    .union(ConnSet.of('TCP', 81, 90))
    .union(ConnSet.of('UDP', 53, 53));
  assert.is(a.toString(), 'TCP 80-90,UDP 53');
  assert.is(a.intersect(ConnSet.of('TCP', 85, 100)).toString(), 'TCP 85-90');
  assert.is(ConnSet.all().toString(), 'All Connections');
  assert.is(ConnSet.all().intersect(ConnSet.of('SCTP')).toString(), 'SCTP 1-65535');
  assert.ok(
    ConnSet.of('TCP', 1, 1)
      .intersect(ConnSet.of('UDP', 1, 1))
      .isEmpty(),
  );
});

c.run();

const cli = suite('reach: command line');

cli('formats: text, json, csv, md, dot, mermaid, html', () => {
  const text = runCli(['reach', 'examples']).stdout;
  assert.match(text, /^shop\/web\[Deployment\] => shop\/carts\[Deployment\] : TCP 8080,9000$/m);
  const json = JSON.parse(runCli(['reach', 'examples', '-f', 'json']).stdout) as {
    src: string;
    dst: string;
    conn: string;
  }[];
  assert.ok(
    json.some(
      (e) => e.src === 'shop/api[Deployment]' && e.dst === 'shop/db[StatefulSet]' && e.conn === 'TCP 5432',
    ),
  );
  assert.match(
    runCli(['reach', 'examples', '-f', 'csv']).stdout,
    /^src,dst,conn\nshop\/api\[Deployment\],shop\/db\[StatefulSet\],TCP 5432$/m,
  );
  assert.match(
    runCli(['reach', 'examples', '-f', 'md']).stdout,
    /^\| shop\/api\\\[Deployment\\\] \| shop\/db\\\[StatefulSet\\\] \| TCP 5432 \|$/m,
  );
  assert.match(
    runCli(['reach', 'examples', '-f', 'dot']).stdout,
    /"shop\/api\[Deployment\]" -> "shop\/db\[StatefulSet\]" \[label="TCP 5432"\];/,
  );
  assert.match(runCli(['reach', 'examples', '-f', 'mermaid']).stdout, /^graph LR\n/);
  const html = runCli(['reach', 'examples', '-f', 'html']).stdout;
  assert.match(html, /^<!doctype html>/);
  assert.not.match(html, /(src|href)="https?:/, 'no network access');
});

cli('--focus keeps one workload’s connections', () => {
  const lines = runCli(['reach', 'examples', '--focus', 'shop/db']).stdout.trim().split('\n');
  assert.equal(lines, [
    'shop/api[Deployment] => shop/db[StatefulSet] : TCP 5432',
    'shop/carts[Deployment] => shop/db[StatefulSet] : TCP 5432',
  ]);
});

cli('--from/--to: yes or no, which policies isolate each side, which rule allows it', () => {
  const yes = runCli(['reach', 'examples', '--from', 'shop/web', '--to', 'shop/carts', '--port', '8080/TCP']);
  assert.is(yes.status, 0);
  assert.match(yes.stdout, /^ALLOWED: shop\/web\[Deployment\] → shop\/carts\[Deployment\] on TCP 8080$/m);
  assert.match(
    yes.stdout,
    /TCP 8080 allowed by egress rule 0 of NetworkPolicy shop\/web \(examples\/shop\/policies\.yaml:\d+\)/,
  );
  const no = runCli(['reach', 'examples', '--from', 'shop/db', '--to', 'shop/web', '--port', '8080']);
  assert.is(no.status, 1);
  assert.match(no.stdout, /^DENIED: shop\/db\[StatefulSet\] → shop\/web\[Deployment\] on TCP 8080$/m);
  assert.match(no.stdout, /isolated by NetworkPolicy shop\/default-deny/);
  const bad = runCli(['reach', 'examples', '--from', 'shop/nope', '--to', 'shop/web']);
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /no workload 'shop\/nope'/);
  assert.is(runCli(['reach', 'examples', '--from', 'shop/web']).status, 2);
  assert.is(runCli(['examples', '--focus', 'x']).status, 2);
});

cli.run();

// The oracle: netpol-analyzer's expected connectivity lists for its test inputs.
const o = suite('reach: netpol-analyzer oracle');
const NOT_PLAIN = new Set([
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
  'UserDefinedNetwork',
  'ClusterUserDefinedNetwork',
  'NetworkAttachmentDefinition',
  'MultiNetworkPolicy',
  'Route',
  'VirtualMachine',
  'VirtualMachineInstance',
]);

if (!sharedAvailable()) {
  o('oracle', () => skipNotice('netpol-analyzer oracle'));
} else {
  o('every plain-Kubernetes scenario agrees with the expected connectivity list', async () => {
    const np = path.join(CORPUS, 'netpol-analyzer');
    const expectedDir = path.join(np, 'test_outputs', 'connlist');
    let plain = 0;
    const agree: string[] = [];
    const disagree: string[] = [];
    const excluded: string[] = [];
    for (const name of readdirSync(path.join(np, 'tests')).sort()) {
      const dir = path.join(np, 'tests', name);
      const expectedFile = path.join(expectedDir, `${name}_connlist_output.txt`);
      if (!statSync(dir).isDirectory() || !existsSync(expectedFile)) continue;
      const loaded = await load([dir], { cwd: dir, ignore: [] });
      const kinds = new Set(loaded.docs.map((d) => d.value['kind'] as string));
      const other = [...kinds].filter((k) => NOT_PLAIN.has(k));
      if (other.length) {
        excluded.push(`${name} (${other.join(', ')})`);
        continue;
      }
      plain++;
      const model = new Model(withoutKustomizePatches(loaded.docs), loaded.diagnostics, {
        defaultNamespace: 'default',
      });
      const map = buildReachMap(model, defaultConfig(dir).cluster);
      const got = new Set(map.edges.map((e) => `${e.src.id} => ${e.dst.id} : ${e.conns.toString()}`));
      const want = new Set(
        readFileSync(expectedFile, 'utf8')
          .split('\n')
          .map((s) => s.trim())
          .filter((s) => s.includes(' => ')),
      );
      const same = got.size === want.size && [...want].every((w) => got.has(w));
      (same ? agree : disagree).push(name);
    }
    console.log(
      `\n  netpol-analyzer oracle: ${agree.length}/${plain} plain-Kubernetes scenarios agree; ${excluded.length} excluded (not plain Kubernetes)`,
    );
    assert.ok(plain >= 40, `expected the plain scenarios, found ${plain}`);
    assert.equal(disagree, [], 'scenarios that disagree');
  });
}

o.run();

// The HTML page in a real browser: test/reach-page.test.ts.

const d = suite('reach: --dns');

d(
  'each workload gets its DNS edge on 53 to the cluster DNS pods, modelled when absent; policies apply',
  () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'app.yaml'),
      [
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: web}]}',
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: batch, namespace: jobs}\nspec:\n  selector: {matchLabels: {app: batch}}\n  template:\n    metadata: {labels: {app: batch}}\n    spec: {containers: [{name: b, image: b}]}',
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: jobs}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]',
      ].join('\n---\n'),
    );
    const without = runCli(['reach', '--no-config', dir]).stdout;
    assert.not.match(without, /coredns/);
    const text = runCli(['reach', '--no-config', '--dns', dir]).stdout;
    assert.match(text, /^shop\/web\[Deployment\] => kube-system\/coredns\[Deployment\] : TCP 53,UDP 53$/m);
    // jobs is egress-isolated with no DNS rule: no edge, which is the answer to "can it resolve names".
    assert.not.match(text, /jobs\/batch\[Deployment\] => kube-system\/coredns/);
    assert.match(runCli(['--dns', dir]).stderr, /--dns belongs to 'kube-netlint reach'/);
  },
);

d.run();
