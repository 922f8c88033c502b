// Where users meet kube-netlint: cross-file context, --changed-since, helm template output, --watch.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, ROOT, runCli, tempDir } from './helpers';

const DEPLOY =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]}\n';
const SVC = (app: string) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: ${app}}\n  ports: [{port: 80, targetPort: http}]\n`;

function ids(stdout: string): string[] {
  return (JSON.parse(stdout) as { findings: { ruleId: string; file: string }[] }).findings.map(
    (f) => `${f.file} ${f.ruleId}`,
  );
}

function gitRepo(): string {
  const dir = tempDir();
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'test');
  return dir;
}

const c = suite('cross-file context');

c('--context: the model spans the repo, findings only the given files', () => {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'apps'));
  writeFileSync(path.join(dir, 'apps', 'deploy.yaml'), DEPLOY);
  writeFileSync(path.join(dir, 'service.yaml'), SVC('web'));
  writeFileSync(path.join(dir, 'other.yaml'), SVC('nothing').replace('name: web', 'name: other'));
  // Alone, the Service selects nothing; with the repo as context it resolves, and the broken
  // Service in other.yaml is not reported because it was not named.
  assert.equal(ids(runCli(['service.yaml', '-f', 'json'], { cwd: dir }).stdout), [
    'service.yaml service-selector-no-match',
  ]);
  const r = runCli(['service.yaml', '--context', '.', '-f', 'json'], { cwd: dir });
  assert.is(r.status, 0, r.stdout);
  assert.equal(ids(r.stdout), []);
  assert.equal(ids(runCli(['other.yaml', '--context', '.', '-f', 'json'], { cwd: dir }).stdout), [
    'other.yaml service-selector-no-match',
  ]);
});

c('config context does the same', () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, '.kube-netlint.yaml'), 'context: [.]\n');
  writeFileSync(path.join(dir, 'deploy.yaml'), DEPLOY);
  writeFileSync(path.join(dir, 'service.yaml'), SVC('web'));
  assert.is(runCli(['service.yaml'], { cwd: dir }).status, 0);
});

c('--changed-since reports only files changed since a revision', () => {
  const dir = gitRepo();
  writeFileSync(path.join(dir, 'deploy.yaml'), DEPLOY);
  writeFileSync(path.join(dir, 'old.yaml'), SVC('nothing').replace('name: web', 'name: old'));
  execFileSync('git', ['add', '.'], { cwd: dir });
  execFileSync('git', ['commit', '-qm', 'base'], { cwd: dir });
  writeFileSync(path.join(dir, 'new.yaml'), SVC('webb').replace('name: web', 'name: new'));
  const r = runCli(['--changed-since', 'HEAD', '-f', 'json'], { cwd: dir });
  assert.equal(ids(r.stdout), ['new.yaml service-selector-no-match']);
  const bad = runCli(['--changed-since', 'no-such-rev'], { cwd: dir });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--changed-since no-such-rev/);
});

const INGRESS =
  'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  defaultBackend:\n    service: {name: web, port: {number: 80}}\n';

/** The Service's port moves 80 → 8000 in its own file, which breaks the Ingress in another. */
function portMoveRepo(): string {
  const dir = gitRepo();
  writeFileSync(path.join(dir, 'deploy.yaml'), DEPLOY);
  writeFileSync(path.join(dir, 'service.yaml'), SVC('web'));
  writeFileSync(path.join(dir, 'ingress.yaml'), INGRESS);
  execFileSync('git', ['add', '.'], { cwd: dir });
  execFileSync('git', ['commit', '-qm', 'base'], { cwd: dir });
  writeFileSync(path.join(dir, 'service.yaml'), SVC('web').replace('port: 80,', 'port: 8000,'));
  execFileSync('git', ['commit', '-qam', 'port 8000'], { cwd: dir });
  return dir;
}

c('--changed-since keeps a finding in an unchanged file when a changed file is involved', () => {
  const dir = portMoveRepo();
  const r = runCli(['--changed-since', 'HEAD~1', '-f', 'json'], { cwd: dir });
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.equal(ids(r.stdout), ['ingress.yaml ingress-backend-port-missing']);
  // Nothing changed since HEAD: nothing to report.
  assert.equal(ids(runCli(['--changed-since', 'HEAD', '-f', 'json'], { cwd: dir }).stdout), []);
});

c('--context (the pre-commit hook) does the same for a staged file', () => {
  const dir = portMoveRepo();
  const r = runCli(['service.yaml', '--context', '.', '-f', 'json'], { cwd: dir });
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.equal(ids(r.stdout), ['ingress.yaml ingress-backend-port-missing']);
  assert.equal(ids(runCli(['deploy.yaml', '--context', '.', '-f', 'json'], { cwd: dir }).stdout), []);
});

c.run();

const h = suite('helm template output');

h('findings map to the chart template named by # Source:, with the rendered line kept', () => {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'shop', 'templates'), { recursive: true });
  writeFileSync(path.join(dir, 'shop', 'templates', 'service.yaml'), '# the template\n');
  const input = readFileSync(path.join(ROOT, 'test', 'data', 'helm-rendered.yaml'));
  const json = JSON.parse(runCli(['-', '-f', 'json'], { cwd: dir, input }).stdout) as {
    findings: { ruleId: string; file: string; rendered: { file: string; region: { startLine: number } } }[];
  };
  const f = json.findings.find((x) => x.ruleId === 'service-target-port-missing')!;
  assert.is(f.file, 'shop/templates/service.yaml');
  assert.equal([f.rendered.file, f.rendered.region.startLine], ['<stdin>', 19]);
  const human = runCli(['-'], { cwd: dir, input }).stdout;
  assert.match(human, /^<stdin>:19:19 \(shop\/templates\/service\.yaml\) {2}error/m);
  const sarif = JSON.parse(runCli(['-', '-f', 'sarif'], { cwd: dir, input }).stdout) as {
    runs: {
      results: {
        ruleId: string;
        locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
        relatedLocations: { physicalLocation: { region: { startLine: number } } }[];
      }[];
    }[];
  };
  const r = sarif.runs[0]!.results.find((x) => x.ruleId === 'service-target-port-missing')!;
  assert.is(r.locations[0]!.physicalLocation.artifactLocation.uri, 'shop/templates/service.yaml');
  assert.is(r.relatedLocations[0]!.physicalLocation.region.startLine, 19);
});

h.run();

const w = suite('--watch');

w('re-lints on change, rewrites the output, survives a file caught mid-save', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'deploy.yaml'), DEPLOY);
  writeFileSync(path.join(dir, 'service.yaml'), SVC('web'));
  const out = path.join(dir, 'out.json');
  const child = spawn(process.execPath, [BIN, '.', '--watch', '-f', 'json', '-o', out], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const waitFor = async (pred: () => boolean, what: string) => {
    for (let i = 0; i < 100; i++) {
      if (pred()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; stderr: ${stderr}`);
  };
  const count = () => {
    try {
      return (JSON.parse(readFileSync(out, 'utf8')) as { findings: unknown[] }).findings.length;
    } catch {
      return -1;
    }
  };
  try {
    await waitFor(() => count() === 0, 'the first report');
    writeFileSync(path.join(dir, 'service.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: web\n'); // mid-save
    await waitFor(() => count() === 1, 'the parse error');
    writeFileSync(path.join(dir, 'service.yaml'), SVC('webb'));
    await waitFor(() => stderr.split('linted at').length > 3 && count() === 1, 'the selector finding');
    assert.match(readFileSync(out, 'utf8'), /service-selector-no-match/);
  } finally {
    child.kill('SIGINT');
  }
});

w.run();
