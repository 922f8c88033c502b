// Issue #14, item 6: input cannot hang kube-netlint or exhaust its memory. The contract: any single
// file up to 1 MB is handled in seconds and under 500 MB. The binary runs with a 500 MB heap and a
// generous kill-timeout (no timed assertion: a build that hangs or runs out is killed and fails).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { load } from '../src/load/index';
import { DEFAULT_LIMITS } from '../src/load/parse';
import { repairGoYamlLeniency } from '../src/load/repair';
import { compileGlob } from '../src/util/glob';
import { BIN, runCli, tempDir } from './helpers';

const KILL_AFTER_MS = 120_000;

function runBounded(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, ['--max-old-space-size=500', BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: KILL_AFTER_MS,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

const t = suite('hostile input: resources');

t('the go-yaml repair pass does not multiply a 1 MB file', () => {
  const dir = tempDir();
  // One deeply indented line, then many tab-indented ones: each repair copied the deep indentation.
  const text = `kind: ConfigMap\na: [\n${' '.repeat(400_000)}x,\n` + '\ty,\n'.repeat(150_000) + ']\n';
  writeFileSync(path.join(dir, 'big.yaml'), text);
  const r = runBounded(['big.yaml'], dir);
  assert.is(r.signal, null, 'not killed');
  assert.is(r.status, 1, r.stderr.slice(0, 500));
  assert.match(r.stdout, /big\.yaml:\d+:\d+ {2}error {4}YAML syntax error/);
  // The repair itself gives up rather than add more than the file's size.
  assert.is(repairGoYamlLeniency(text), undefined);
  assert.is(repairGoYamlLeniency('a: [\n\tx,\n]\n'), 'a: [\n x,\n ]\n');
});

t('deeply nested flow collections are refused before the parser sees them', () => {
  const dir = tempDir();
  const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
  writeFileSync(
    path.join(dir, 'deep.yaml'),
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: yes, b: ${deep}}\n`,
  );
  const r = runBounded(['deep.yaml'], dir);
  assert.is(r.signal, null, 'not killed');
  assert.is(r.status, 1, r.stderr.slice(0, 500));
  assert.match(
    r.stdout,
    /deep\.yaml:1:1 {2}error {4}cannot parse YAML: flow collections nested more than 1000 levels deep/,
  );
  writeFileSync(path.join(dir, '.kube-netlint.yaml'), `ignore: ${deep}\n`);
  const c = runBounded([], dir);
  assert.is(c.signal, null, 'not killed');
  assert.is(c.status, 2, c.stderr.slice(0, 500));
  assert.match(c.stderr, /nested more than 1000 levels deep/);
});

t('a mapping with 60,000 keys is checked for duplicates in linear time', () => {
  const dir = tempDir();
  const keys = Array.from({ length: 60_000 }, (_, i) => `  k${i}: v\n`).join('');
  writeFileSync(
    path.join(dir, 'keys.yaml'),
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  on: yes\n${keys}  k59999: again\n`,
  );
  const r = runBounded(['keys.yaml'], dir);
  assert.is(r.signal, null, 'not killed');
  assert.is(r.status, 1, r.stderr.slice(0, 500));
  assert.match(r.stdout, /keys\.yaml:60006:3 {2}error {4}duplicate key 'k59999'/);
});

t('config globs match hostile names in linear time', () => {
  const dir = tempDir();
  const name = `${'a'.repeat(60)}.yaml`;
  writeFileSync(
    path.join(dir, '.kube-netlint.yaml'),
    'ignore:\n  - "*a*a*a*a*a*a*a*a*a*a*a*a*b"\n  - "+(a|aa)+(a|aa)+(a|aa)+(a|aa)+(a|aa)+(a|aa)b"\n',
  );
  writeFileSync(path.join(dir, name), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
  const r = runBounded([], dir);
  assert.is(r.signal, null, 'not killed');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /no problems \(1 object, /);
});

t('globs: the subset of minimatch the config uses', () => {
  const cases: [string, string, boolean][] = [
    ['*.yaml', 'deploy/app.yaml', true],
    ['*.yaml', 'deploy/app.json', false],
    ['deploy/*.yaml', 'deploy/app.yaml', true],
    ['deploy/*.yaml', 'deploy/x/app.yaml', false],
    ['deploy/**', 'deploy/x/app.yaml', true],
    ['**/test/**', 'a/b/test/c.yaml', true],
    ['**/test/**', 'a/b/tests/c.yaml', false],
    ['{base,overlays}/**/*.yaml', 'overlays/prod/x.yaml', true],
    ['{base,overlays}/**/*.yaml', 'other/x.yaml', false],
    ['app-?.yaml', 'app-1.yaml', true],
    ['app-[0-9].yaml', 'app-x.yaml', false],
    ['app-[!0-9].yaml', 'app-x.yaml', true],
    ['.*', '.hidden.yaml', true],
    ['*', '.hidden.yaml', true],
    ['vendor/', 'vendor/', true],
    ['!*.yaml', 'a.json', true],
    ['#*.yaml', 'a.yaml', false],
    ['+(a|b).yaml', 'a.yaml', false],
    ['+(a|b).yaml', '+(a|b).yaml', true],
    ['./deploy/*.yaml', 'deploy/a.yaml', true],
  ];
  for (const [pattern, file, want] of cases)
    assert.is(compileGlob(pattern).match(file), want, `${pattern} ~ ${file}`);
  assert.throws(() => compileGlob('{a,b}'.repeat(12)), /alternatives/);
  assert.throws(() => compileGlob('a'.repeat(2000)), /longer than/);
});

t('a FIFO named on the command line is skipped with a finding', () => {
  const dir = tempDir();
  execFileSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
  const r = runBounded(['pipe.yaml'], dir);
  assert.is(r.signal, null, 'not killed');
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stdout, /^pipe\.yaml:1:1 {2}error {4}a FIFO, not a file; skipped/m);
});

t('a link to /dev/zero is skipped, named or found in a folder', () => {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'deploy'));
  symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
  symlinkSync('/dev/zero', path.join(dir, 'deploy', 'zero.yaml'));
  const named = runBounded(['zero.yaml'], dir);
  assert.is(named.signal, null, 'not killed');
  assert.is(named.status, 1, named.stderr);
  assert.match(named.stdout, /^zero\.yaml:1:1 {2}error {4}a character device, not a file; skipped/m);
  const walked = runBounded(['deploy'], dir);
  assert.is(walked.status, 0, walked.stderr);
});

t('a total input budget, with a finding that says what was skipped', async () => {
  const dir = tempDir();
  for (const n of ['a', 'b', 'c', 'd'])
    writeFileSync(path.join(dir, `${n}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}}\n`);
  const r = await load(['.'], { cwd: dir, ignore: [], limits: { ...DEFAULT_LIMITS, maxTotalBytes: 120 } });
  assert.equal(
    r.docs.map((d) => d.file.path),
    ['a.yaml', 'b.yaml'],
  );
  assert.equal(
    r.diagnostics.map((d) => `${d.file}: ${d.message}`),
    [
      'c.yaml: the input is over the 0 MiB limit for all files together: this file and 1 after it were skipped. Lint fewer paths at a time, or raise the limit with --max-input-mib',
    ],
  );
});

t('--max-input-mib raises or lowers the total budget from the command line; a bad value exits 2', () => {
  const dir = tempDir();
  // Two files of 0.6 MiB each: over a 1 MiB budget together, under the default 64 MiB.
  const filler = 'x'.repeat(600 * 1024);
  for (const n of ['a', 'b'])
    writeFileSync(
      path.join(dir, `${n}.yaml`),
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}}\ndata: {Corefile: "${filler}"}\n`,
    );
  const json = (extra: string[]) => {
    const r = runCli(['--no-config', '--format', 'json', ...extra, '.'], { cwd: dir });
    return JSON.parse(r.stdout) as { findings: { message: string }[]; summary: { objects: number } };
  };
  assert.is(json([]).summary.objects, 2);
  const limited = json(['--max-input-mib', '1']);
  assert.is(limited.summary.objects, 1);
  assert.ok(limited.findings.some((f) => f.message.includes('over the 1 MiB limit for all files together')));
  for (const bad of ['0', '-1', '1.5', 'lots', '']) {
    const r = runCli(['--no-config', '--max-input-mib', bad, '.'], { cwd: dir });
    assert.is(r.status, 2, bad);
    assert.match(r.stderr, /--max-input-mib/);
  }
});

t('reach stays bounded with thousands of workloads, and says it cut the map', () => {
  const dir = tempDir();
  const docs: string[] = [];
  for (let i = 0; i < 2500; i++)
    docs.push(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w${i}, namespace: ns}\nspec:\n  selector: {matchLabels: {app: w${i}}}\n  template: {metadata: {labels: {app: w${i}}}}\n`,
    );
  writeFileSync(path.join(dir, 'many.yaml'), docs.join('---\n'));
  const r = runBounded(['reach', 'many.yaml'], dir);
  assert.is(r.signal, null, 'not killed');
  assert.is(r.status, 0, r.stderr.slice(0, 500));
  assert.match(r.stderr, /more than 200000 allowed connections; the map lists the first 200000/);
  assert.is(r.stdout.split('\n').length - 1, 200_000);
  const focus = runBounded(['reach', 'many.yaml', '--focus', 'ns/w7'], dir);
  assert.is(focus.status, 0, focus.stderr);
  assert.is(focus.stderr, '');
  // Each way: the 2,499 other workloads and the outside world.
  assert.is(focus.stdout.split('\n').length - 1, 2 * 2500);
});

t.run();
