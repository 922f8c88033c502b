// Issue #14, item 8: what the repository contains cannot make kube-netlint read or point outside it.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, tempDir } from './helpers';

const BROKEN_SVC =
  'apiVersion: v1\nkind: Service\nmetadata: {name: secret}\nspec:\n  selector: {app: nothing}\n  ports: [{port: 80}]\n';
const DEPLOY =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}}\n';

/** A repository beside a folder it must not reach. */
function layout(): { repo: string; outside: string } {
  const base = tempDir();
  const repo = path.join(base, 'repo');
  const outside = path.join(base, 'outside');
  mkdirSync(path.join(repo, '.git'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.yaml'), BROKEN_SVC);
  writeFileSync(path.join(repo, 'app.yaml'), DEPLOY);
  return { repo, outside };
}

interface SarifLog {
  runs: {
    results: {
      ruleId: string;
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[];
    }[];
  }[];
}

const t = suite('hostile repository: paths');

t('symbolic links out of the linted folder are not followed, and are reported', () => {
  const { repo, outside } = layout();
  symlinkSync(path.join(outside, 'secret.yaml'), path.join(repo, 'link.yaml'));
  symlinkSync(outside, path.join(repo, 'linked-dir'));
  const r = runCli(['.'], { cwd: repo });
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.not.match(r.stdout, /secret/);
  assert.match(
    r.stdout,
    /^link\.yaml:1:1 {2}note {5}symbolic link to outside the folder being linted; not followed/m,
  );
  assert.match(r.stdout, /^linked-dir:1:1 {2}note /m);
  // A glob is matched the same way.
  const g = runCli(['*.yaml'], { cwd: repo });
  assert.not.match(g.stdout, /secret/);
  // Named on the command line, the target is read.
  const named = runCli(['.', path.join(outside, 'secret.yaml')], { cwd: repo });
  assert.match(named.stdout, /Service secret selects app=nothing/);
});

t('a link inside the folder is still followed', () => {
  const { repo } = layout();
  mkdirSync(path.join(repo, 'base'));
  writeFileSync(path.join(repo, 'base', 'svc.yaml'), BROKEN_SVC);
  symlinkSync(path.join(repo, 'base'), path.join(repo, 'overlay'));
  const r = runCli(['overlay', 'base'], { cwd: repo });
  assert.match(r.stdout, /Service secret selects/);
});

t('config context outside the repository is refused; --context can name it', () => {
  const { repo, outside } = layout();
  writeFileSync(path.join(repo, '.kube-netlint.yaml'), 'context: [/]\n');
  const r = runCli(['app.yaml'], { cwd: repo });
  assert.is(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /config context '\/' is outside the repository/);
  writeFileSync(path.join(repo, '.kube-netlint.yaml'), 'context: [.]\n');
  const ok = runCli(['app.yaml', '--context', outside], { cwd: repo });
  assert.is(ok.status, 0, ok.stdout + ok.stderr);
});

t('a # Source: comment and dotted names never become absolute URIs in SARIF', () => {
  const { repo } = layout();
  writeFileSync(
    path.join(repo, 'rendered.yaml'),
    `---\n# Source: /etc/passwd\n${BROKEN_SVC}---\n# Source: ../../etc/hosts\n${BROKEN_SVC.replace('secret', 'other')}`,
  );
  writeFileSync(path.join(repo, '..data.yaml'), BROKEN_SVC.replace('secret', 'dotted'));
  const r = runCli(['rendered.yaml', '..data.yaml', 'app.yaml', '-f', 'sarif', '--fail-on', 'warning'], {
    cwd: repo,
  });
  assert.is(r.status, 1, r.stderr);
  const log = JSON.parse(r.stdout) as SarifLog;
  const uris = log.runs[0]!.results.flatMap((x) =>
    x.locations.map((l) => l.physicalLocation.artifactLocation),
  );
  assert.ok(uris.length >= 3);
  for (const u of uris) {
    assert.not.match(u.uri, /^file:|^\/|etc/, u.uri);
    assert.is(u.uriBaseId, 'SRCROOT', u.uri);
  }
  assert.ok(uris.some((u) => u.uri === '..data.yaml'));
});

t.run();
