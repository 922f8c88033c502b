// `kube-netlint reach --diff BASE`: the connections a change opens, closes or alters, from git or
// from a second path.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, tempDir } from './helpers';

const deploy = (name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}\n---\n`;
const APPS = deploy('web') + deploy('api') + deploy('payments') + deploy('db');
const DENY =
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n---\n';
const allow = (name: string, to: string, from: string, port: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: ${to}}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: ${from}}}}]\n    ports: [{port: ${port}}]\n---\n`;

const BEFORE = DENY + allow('web-api', 'api', 'web', '8080') + allow('api-db', 'db', 'api', '5432');
const AFTER =
  DENY + allow('pay-db', 'db', 'payments', '5432') + allow('api-db', 'db', 'api', '5432, endPort: 5433');

const d = suite('reach --diff');
let repo = '';

d.before(() => {
  repo = tempDir('kube-netlint-reach-diff-');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: repo,
      stdio: 'ignore',
    });
  git('init', '-q');
  mkdirSync(path.join(repo, 'k8s'));
  writeFileSync(path.join(repo, 'k8s', 'apps.yaml'), APPS);
  writeFileSync(path.join(repo, 'k8s', 'policies.yaml'), BEFORE);
  writeFileSync(path.join(repo, 'README.md'), 'not read\n');
  git('add', '.');
  git('commit', '-qm', 'one');
  writeFileSync(path.join(repo, 'k8s', 'policies.yaml'), AFTER);
  git('commit', '-qam', 'two');
});
d.after(() => rmSync(repo, { recursive: true, force: true }));

d('from git: opens payments → db, closes web → api, alters api → db (text)', () => {
  const r = runCli(['reach', 'k8s', '--diff', 'HEAD~1'], { cwd: repo });
  assert.is(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n'), [
    'opens   shop/payments[Deployment] => shop/db[Deployment] : TCP 5432',
    'changes shop/api[Deployment] => shop/db[Deployment] : TCP 5432 → TCP 5432-5433',
    'closes  shop/web[Deployment] => shop/api[Deployment] : TCP 8080',
  ]);
  // The working tree, index and HEAD are untouched: the same revision compared with itself.
  assert.is(runCli(['reach', 'k8s', '--diff', 'HEAD'], { cwd: repo }).stdout, 'no change in connectivity\n');
  assert.is(
    execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' }),
    '',
    'the repository is left as it was',
  );
});

d('JSON, Markdown and HTML', () => {
  const json = JSON.parse(
    runCli(['reach', 'k8s', '--diff', 'HEAD~1', '-f', 'json'], { cwd: repo }).stdout,
  ) as {
    change: string;
    src: string;
    dst: string;
  }[];
  assert.equal(
    json.map((c) => `${c.change} ${c.src} ${c.dst}`),
    [
      'added shop/payments[Deployment] shop/db[Deployment]',
      'changed shop/api[Deployment] shop/db[Deployment]',
      'removed shop/web[Deployment] shop/api[Deployment]',
    ],
  );
  const md = runCli(['reach', 'k8s', '--diff', 'HEAD~1', '-f', 'md'], { cwd: repo }).stdout;
  assert.match(md, /^1 opened, 1 closed, 1 changed\.$/m);
  assert.match(
    md,
    /^\| opens \| shop\/payments\\\[Deployment\\\] \| shop\/db\\\[Deployment\\\] \| {2}\| TCP 5432 \|$/m,
  );
  const html = runCli(['reach', 'k8s', '--diff', 'HEAD~1', '-f', 'html'], { cwd: repo }).stdout;
  assert.match(html, /"change":"removed"/);
  assert.match(html, /"change":"added"/);
});

d('a second path instead of a revision; bad revisions and formats are usage errors', () => {
  const old = tempDir('kube-netlint-reach-old-');
  cpSync(path.join(repo, 'k8s', 'apps.yaml'), path.join(old, 'apps.yaml'));
  writeFileSync(path.join(old, 'policies.yaml'), BEFORE);
  const r = runCli(['reach', 'k8s', '--diff', old], { cwd: repo });
  assert.match(r.stdout, /^opens {3}shop\/payments\[Deployment\] => shop\/db\[Deployment\] : TCP 5432$/m);
  rmSync(old, { recursive: true, force: true });
  const bad = runCli(['reach', 'k8s', '--diff', 'no-such-rev'], { cwd: repo });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--diff no-such-rev/);
  assert.is(runCli(['reach', 'k8s', '--diff', '--output=x'], { cwd: repo }).status, 2);
  assert.is(runCli(['reach', 'k8s', '--diff', 'HEAD', '-f', 'csv'], { cwd: repo }).status, 2);
  assert.is(runCli(['k8s', '--diff', 'HEAD'], { cwd: repo }).status, 2);
});

d.run();
