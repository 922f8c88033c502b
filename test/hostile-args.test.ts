// Issue #14, item 7: file names and revisions are never read as options, by us or by git.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { ROOT, runCli, tempDir } from './helpers';

const SVC =
  'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: webb}\n  ports: [{port: 80}]\n---\n' +
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}}\n';

function gitRepo(): string {
  const dir = tempDir();
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 't@example.com');
  git('config', 'user.name', 't');
  writeFileSync(path.join(dir, 'app.yaml'), SVC);
  git('add', '.');
  git('commit', '-qm', 'base');
  return dir;
}

const t = suite('hostile input: options');

t('the pre-commit entry ends options before the staged file names', () => {
  const hooks = parse(readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { entry: string }[];
  const entry = hooks[0]!.entry.split(/\s+/).slice(1); // pre-commit runs the entry, then the file names
  const dir = gitRepo();
  writeFileSync(path.join(dir, 'victim.yaml'), 'precious: true\n');
  const staged = '--output=victim.yaml';
  writeFileSync(path.join(dir, staged), SVC);
  const r = runCli([...entry, staged], { cwd: dir });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stdout, /^--output=victim\.yaml:5:/m, 'the staged file is linted');
  assert.is(readFileSync(path.join(dir, 'victim.yaml'), 'utf8'), 'precious: true\n');
});

t('--changed-since values never reach git as options', () => {
  const dir = gitRepo();
  const r = runCli(['--changed-since=--output=pwned.txt'], { cwd: dir });
  assert.is(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /cannot start with '-'/);
  assert.not.ok(existsSync(path.join(dir, 'pwned.txt')));
  const ok = runCli(['--changed-since', 'HEAD'], { cwd: dir });
  assert.is(ok.status, 0, ok.stderr);
});

t.run();
