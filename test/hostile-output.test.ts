// Issue #14, items 1 and 2: a repository under lint must not make kube-netlint write anywhere but the
// report it was asked for. Each case plants what a pull request could commit (a symbolic link at
// the report's name, at its temp file's name, at a folder on its path) and runs the real binary.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, runCli, tempDir } from './helpers';

const BROKEN =
  'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: webb}\n  ports: [{port: 80}]\n---\n' +
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}}\n';
const VICTIM_TEXT = '#!/bin/sh\necho untouched\n';

/** A repository with one manifest, and a file outside it that an attacker would like overwritten. */
function repo(): { dir: string; victim: string } {
  const base = tempDir();
  const dir = path.join(base, 'repo');
  mkdirSync(path.join(dir, '.git'), { recursive: true });
  writeFileSync(path.join(dir, 'app.yaml'), BROKEN);
  const victim = path.join(base, 'victim.sh');
  writeFileSync(victim, VICTIM_TEXT);
  return { dir, victim };
}

const t = suite('hostile repository: outputs');

t('-o does not write through a symbolic link planted at the report name', () => {
  const { dir, victim } = repo();
  symlinkSync(victim, path.join(dir, 'report.txt'));
  const r = runCli(['app.yaml', '-o', 'report.txt'], { cwd: dir });
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /cannot write report\.txt: .*symbolic link/);
  assert.is(readFileSync(victim, 'utf8'), VICTIM_TEXT);
});

t('-o does not write through a link planted at the temp file name', () => {
  const { dir, victim } = repo();
  symlinkSync(victim, path.join(dir, 'report.txt.tmp'));
  const r = runCli(['app.yaml', '-o', 'report.txt'], { cwd: dir });
  assert.is(r.status, 1, r.stderr);
  assert.is(readFileSync(victim, 'utf8'), VICTIM_TEXT);
  assert.ok(lstatSync(path.join(dir, 'report.txt')).isFile());
  assert.match(readFileSync(path.join(dir, 'report.txt'), 'utf8'), /service-selector-no-match/);
  assert.equal(
    readdirSync(dir).filter((n) => n.endsWith('.tmp')),
    ['report.txt.tmp'],
    'no temp file left behind',
  );
});

t('-o does not write through a symbolic link to a folder inside the repository', () => {
  const { dir, victim } = repo();
  symlinkSync(path.dirname(victim), path.join(dir, 'out'));
  const r = runCli(['app.yaml', '-o', 'out/victim.sh'], { cwd: dir });
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /symbolic link/);
  assert.is(readFileSync(victim, 'utf8'), VICTIM_TEXT);
});

t('reach -o does not write through a symbolic link either', () => {
  const { dir, victim } = repo();
  symlinkSync(victim, path.join(dir, 'reach.html'));
  const r = runCli(['reach', 'app.yaml', '--format', 'html', '-o', 'reach.html'], { cwd: dir });
  assert.is(r.status, 2, r.stderr);
  assert.is(readFileSync(victim, 'utf8'), VICTIM_TEXT);
});

t('-o replaces a regular file whole', () => {
  const { dir } = repo();
  writeFileSync(path.join(dir, 'report.txt'), 'old');
  const r = runCli(['app.yaml', '-o', 'report.txt'], { cwd: dir });
  assert.is(r.status, 1, r.stderr);
  assert.match(readFileSync(path.join(dir, 'report.txt'), 'utf8'), /service-selector-no-match/);
});

t('-o to a character device writes into it and leaves it a device', () => {
  // A private null device, not /dev/null: on a build that renames over it the machine would lose
  // /dev/null. mknod needs root (or CAP_MKNOD); without it the FIFO case below covers the path.
  const { dir } = repo();
  const dev = path.join(dir, 'null');
  try {
    execFileSync('mknod', [dev, 'c', '1', '3'], { stdio: 'ignore' });
  } catch {
    console.log('\n  SKIPPED: character-device output: mknod not permitted here');
    return;
  }
  const r = runCli(['app.yaml', '-o', dev], { cwd: dir });
  assert.is(r.status, 1, r.stderr);
  assert.ok(statSync(dev).isCharacterDevice(), 'still a character device');
});

t('-o to a FIFO writes the report into it', async () => {
  const { dir } = repo();
  const fifo = path.join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  // The reader runs in its own process; a build that replaces the FIFO leaves it waiting, so it is
  // killed after a generous while.
  const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
  let got = '';
  reader.stdout.on('data', (c: Buffer) => (got += c.toString()));
  const done = new Promise<void>((resolve) => reader.on('close', () => resolve()));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'kube-netlint.js'), 'app.yaml', '-o', fifo], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const killer = setTimeout(() => reader.kill(), 30_000);
  await done;
  clearTimeout(killer);
  assert.is(r.status, 1, r.stderr);
  assert.ok(lstatSync(fifo).isFIFO(), 'still a FIFO');
  assert.match(got, /service-selector-no-match/);
});

// The Action, run as GitHub runs it.
function runAction(env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('INPUT_') && !k.startsWith('GITHUB_') && k !== 'RUNNER_TEMP',
    ),
  );
  return spawnSync(process.execPath, [path.join(ROOT, 'action', 'index.js')], {
    env: { ...clean, ...env },
    encoding: 'utf8',
    cwd: env['GITHUB_WORKSPACE'],
  });
}

t('the Action writes SARIF to $RUNNER_TEMP, not through a link in the workspace', () => {
  const { dir, victim } = repo();
  symlinkSync(victim, path.join(dir, 'kube-netlint.sarif'));
  const temp = tempDir();
  const output = path.join(temp, 'github-output');
  writeFileSync(output, '');
  const r = runAction({ GITHUB_WORKSPACE: dir, RUNNER_TEMP: temp, GITHUB_OUTPUT: output });
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.is(readFileSync(victim, 'utf8'), VICTIM_TEXT);
  const sarif = path.join(temp, 'kube-netlint.sarif');
  assert.ok(existsSync(sarif));
  assert.match(
    readFileSync(output, 'utf8'),
    new RegExp(`^sarif-file=${sarif.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'),
  );
  const log = JSON.parse(readFileSync(sarif, 'utf8')) as { runs: { results: unknown[] }[] };
  assert.is(log.runs[0]!.results.length, 1);
});

t('the Action refuses a sarif-file that is a planted link', () => {
  const { dir, victim } = repo();
  symlinkSync(victim, path.join(dir, 'out.sarif'));
  const r = runAction({ GITHUB_WORKSPACE: dir, RUNNER_TEMP: tempDir(), 'INPUT_SARIF-FILE': 'out.sarif' });
  assert.is(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /^::error title=kube-netlint::.*symbolic link/m);
  assert.is(readFileSync(victim, 'utf8'), VICTIM_TEXT);
});

t('a config error still leaves a valid, empty SARIF for the upload step', () => {
  const { dir } = repo();
  writeFileSync(path.join(dir, '.kube-netlint.yaml'), 'bogus: 1\n');
  const temp = tempDir();
  const r = runAction({ GITHUB_WORKSPACE: dir, RUNNER_TEMP: temp });
  assert.is(r.status, 2, r.stdout + r.stderr);
  const log = JSON.parse(readFileSync(path.join(temp, 'kube-netlint.sarif'), 'utf8')) as {
    version: string;
    runs: { results: unknown[] }[];
  };
  assert.is(log.version, '2.1.0');
  assert.equal(log.runs[0]!.results, []);
});

t.run();
