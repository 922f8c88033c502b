// Start-up (#22): the launcher runs the one-file bundle when it is current, the compiled sources
// otherwise. Module counts and file contents are checked, never times (speed lives in the bench).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import * as vm from 'node:vm';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, ROOT, tempDir } from './helpers';

const s = suite('start-up');

/** The pre-commit case: one small file, a Service that selects no pod. */
function oneService(): { dir: string; file: string } {
  const dir = tempDir();
  const file = path.join(dir, 'svc.yaml');
  writeFileSync(
    file,
    'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n',
  );
  return { dir, file };
}

s(
  'a one-file run loads no module of the package or its dependencies but the launcher (the bundle runs from its code cache)',
  () => {
    const { dir, file } = oneService();
    // Printed at exit by a preloaded script: every module file Node loaded from the package folder.
    const probe = path.join(dir, 'probe.js');
    writeFileSync(
      probe,
      `process.on('exit', () => process.stderr.write('MODULES ' + JSON.stringify(Object.keys(require.cache).filter((m) => m.startsWith(${JSON.stringify(ROOT)})))));\n`,
    );
    const r = spawnSync(process.execPath, ['-r', probe, BIN, file, '--no-config'], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /service-selector-no-match/);
    const modules = JSON.parse(/MODULES (.*)$/m.exec(r.stderr)?.[1] ?? '[]') as string[];
    assert.equal(
      modules.map((m) => path.relative(ROOT, m).split(path.sep).join('/')),
      ['bin/kube-netlint.js'],
    );
  },
);

s('the build writes a code cache that this Node accepts for the bundle', () => {
  const bundle = path.join(ROOT, 'dist', 'src', 'cli.bundle.js');
  const script = new vm.Script(Module.wrap(readFileSync(bundle, 'utf8')), {
    filename: bundle,
    cachedData: readFileSync(path.join(ROOT, 'dist', 'src', 'cli.bundle.cache')),
  });
  assert.is(script.cachedDataRejected, false);
});

s(
  'the launcher itself has V8 accept the code cache (no flag it sets changes V8 before the bundle is compiled)',
  () => {
    const { file } = oneService();
    const run = (nodeFlags: string[]) =>
      spawnSync(process.execPath, [...nodeFlags, BIN, file, '--no-config'], {
        encoding: 'utf8',
        env: { ...process.env, KUBE_NETLINT_TIMING: '1' },
      });
    assert.not.match(run([]).stderr, /code cache was rejected/);
    // The message is real: a V8 flag the cache was not made with makes V8 reject it.
    assert.match(run(['--stack-size=2000']).stderr, /code cache was rejected/);
  },
);

/** A copy of the launcher over a fake dist/ whose two entry points say which one ran. */
function fakeInstall(bundleAge: number | undefined, codeCache?: string): string {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'bin'));
  mkdirSync(path.join(dir, 'dist', 'src', 'cli'), { recursive: true });
  copyFileSync(BIN, path.join(dir, 'bin', 'kube-netlint.js'));
  const fake = (name: string) =>
    `exports.installWarningPrinter = () => {};\nexports.main = async () => { process.stdout.write(${JSON.stringify(name)}); return 0; };\n`;
  const main = path.join(dir, 'dist', 'src', 'cli', 'main.js');
  writeFileSync(main, fake('compiled'));
  utimesSync(main, 1_000_000, 1_000_000);
  if (bundleAge !== undefined) {
    const bundle = path.join(dir, 'dist', 'src', 'cli.bundle.js');
    writeFileSync(bundle, fake('bundle'));
    utimesSync(bundle, 1_000_000 + bundleAge, 1_000_000 + bundleAge);
  }
  if (codeCache !== undefined) writeFileSync(path.join(dir, 'dist', 'src', 'cli.bundle.cache'), codeCache);
  return path.join(dir, 'bin', 'kube-netlint.js');
}

const ran = (bin: string): string => spawnSync(process.execPath, [bin], { encoding: 'utf8' }).stdout;

s('the launcher takes the bundle only when it is at least as new as the compiled sources', () => {
  assert.is(ran(fakeInstall(10)), 'bundle');
  assert.is(ran(fakeInstall(0)), 'bundle');
  // A `tsc` run after the last bundle: the bundle is stale and must not run.
  assert.is(ran(fakeInstall(-10)), 'compiled');
  // Built without dev dependencies: no bundle.
  assert.is(ran(fakeInstall(undefined)), 'compiled');
});

s('a damaged code cache costs only time', () => {
  assert.is(ran(fakeInstall(10, 'not a code cache')), 'bundle');
  assert.is(ran(fakeInstall(10, '')), 'bundle');
});

s.run();
