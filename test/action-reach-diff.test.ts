// The Action's connectivity diff in the job summary, run as GitHub runs it: action.yml's runs.main
// with the INPUT_* and GITHUB_* environment, on a pull request of two commits.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse as parseYaml } from 'yaml';
import { ROOT, tempDir } from './helpers';

interface ActionMeta {
  inputs: Record<string, { default?: string }>;
  runs: { main: string };
}
const META = parseYaml(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionMeta;

/** Every input of action.yml as INPUT_<NAME>: its `with:` value, else its default. */
function inputsEnv(withValues: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of Object.keys(withValues))
    assert.ok(name in META.inputs, `action.yml lacks input '${name}'`);
  for (const [name, spec] of Object.entries(META.inputs)) {
    const value = withValues[name] ?? spec.default;
    if (value !== undefined) env[`INPUT_${name.toUpperCase()}`] = value;
  }
  return env;
}

const deploy = (name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec: {containers: [{name: c, image: x, ports: [{containerPort: 5432}]}]}\n---\n`;
const POLICY = (from: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: ${from}}}}]\n    ports: [{port: 5432}]\n`;

function pullRequest(change: (dir: string) => void) {
  const dir = tempDir('kube-netlint-action-diff-');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: dir,
      encoding: 'utf8',
      stdio: 'pipe',
    }).trim();
  git('init', '-q', '-b', 'main');
  writeFileSync(path.join(dir, 'apps.yaml'), deploy('web') + deploy('payments') + deploy('db'));
  writeFileSync(path.join(dir, 'policy.yaml'), POLICY('web'));
  writeFileSync(path.join(dir, 'notes.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes}\n');
  git('add', '.');
  git('commit', '-qm', 'base');
  const base = git('rev-parse', 'HEAD');
  change(dir);
  git('commit', '-qam', 'change');
  const event = path.join(tempDir(), 'event.json');
  writeFileSync(
    event,
    JSON.stringify({ pull_request: { base: { sha: base }, head: { sha: git('rev-parse', 'HEAD') } } }),
  );
  const summary = path.join(tempDir(), 'summary.md');
  writeFileSync(summary, '');
  return {
    summary,
    env: {
      GITHUB_WORKSPACE: dir,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_EVENT_PATH: event,
      RUNNER_TEMP: tempDir(),
    },
  };
}

function run(env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('INPUT_') && !k.startsWith('GITHUB_') && k !== 'RUNNER_TEMP',
    ),
  );
  return spawnSync(process.execPath, [path.join(ROOT, META.runs.main)], {
    env: { ...clean, ...env },
    encoding: 'utf8',
    cwd: env['GITHUB_WORKSPACE'],
  });
}

const a = suite('GitHub Action: connectivity diff in the job summary');

a(
  'a pull request that edits a policy: the summary says what it opens and closes, escaped for Markdown',
  () => {
    const pr = pullRequest((dir) => writeFileSync(path.join(dir, 'policy.yaml'), POLICY('payments')));
    const r = run({ ...pr.env, ...inputsEnv({}) });
    assert.is(r.status, 0, r.stdout + r.stderr);
    const md = readFileSync(pr.summary, 'utf8');
    assert.match(md, /^### Connectivity changes \(kube-netlint reach --diff\)$/m);
    assert.match(md, /^1 opened, 1 closed, 0 changed\.$/m);
    assert.match(
      md,
      /^\| opens \| shop\/payments\\\[Deployment\\\] \| shop\/db\\\[Deployment\\\] \| {2}\| TCP 5432 \|$/m,
    );
    assert.match(
      md,
      /^\| closes \| shop\/web\\\[Deployment\\\] \| shop\/db\\\[Deployment\\\] \| TCP 5432 \| {2}\|$/m,
    );
  },
);

a('reach-diff: false turns it off; a pull request touching no policy or workload adds nothing', () => {
  const pr = pullRequest((dir) => writeFileSync(path.join(dir, 'policy.yaml'), POLICY('payments')));
  assert.is(run({ ...pr.env, ...inputsEnv({ 'reach-diff': 'false' }) }).status, 0);
  assert.not.match(readFileSync(pr.summary, 'utf8'), /Connectivity changes/);
  const other = pullRequest((dir) =>
    writeFileSync(
      path.join(dir, 'notes.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes2}\n',
    ),
  );
  assert.is(run({ ...other.env, ...inputsEnv({}) }).status, 0);
  assert.not.match(readFileSync(other.summary, 'utf8'), /Connectivity changes/);
});

a.run();
