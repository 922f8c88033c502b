// Parsing on worker threads (#22): the main thread must see exactly what the sequential path gives,
// in discovery order, and a worker that fails or cannot start must only cost time.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../src/config/types';
import { lint } from '../src/lint';
import { ParseCache } from '../src/load/cache';
import { load, type Concurrency, type LoadResult } from '../src/load/index';
import { CORPUS, FIXTURES, runCli, sharedAvailable, skipNotice, tempDir } from './helpers';

const c = suite('concurrency');

/** Everything a rule or a report can see of a load, in order. */
function shape(r: LoadResult): unknown {
  return {
    docs: r.docs.map((d) => ({
      file: d.file.path,
      absPath: d.file.absPath,
      docIndex: d.docIndex,
      basePath: d.basePath,
      value: d.value,
      renderedFrom: d.renderedFrom,
    })),
    files: r.files.map((f) => f.path),
    diagnostics: r.diagnostics,
    bytes: r.bytes,
  };
}

async function loaded(dir: string, concurrency: Concurrency, extra: { workerScript?: string } = {}) {
  return load(['.'], { cwd: dir, ignore: [], concurrency, ...extra });
}

async function findings(dir: string, concurrency: Concurrency) {
  const r = await lint({ inputs: ['.'], cwd: dir, config: defaultConfig(dir), concurrency });
  return { workers: r.stats.workers, findings: JSON.stringify(r.findings) };
}

c('the fixtures load and lint the same with --concurrency off and 2 (2 workers ran)', async () => {
  const off = await loaded(FIXTURES, 'off');
  const two = await loaded(FIXTURES, 2);
  assert.is(off.workers ?? 0, 0);
  assert.is(two.workers, 2);
  assert.ok(off.docs.length > 300);
  assert.equal(shape(two), shape(off));
  // auto: a few hundred small files are parsed faster on the main thread than workers start.
  assert.is((await loaded(FIXTURES, 'auto')).workers ?? 0, 0);
  const a = await findings(FIXTURES, 'off');
  const b = await findings(FIXTURES, 2);
  assert.is(b.workers, 2);
  assert.ok(a.findings.length > 1000);
  assert.is(b.findings, a.findings);
});

c('../shared/corpus lints the same with --concurrency off and 2', async () => {
  if (!sharedAvailable()) return skipNotice('concurrency on the corpus');
  const a = await findings(CORPUS, 'off');
  const b = await findings(CORPUS, 2);
  assert.is(b.workers, 2);
  assert.is(b.findings, a.findings);
});

/** A small tree with a fast-path file, a slow-path one, a broken one, a binary one and a List. */
function mixedTree(): string {
  const dir = tempDir();
  writeFileSync(
    path.join(dir, 'a.yaml'),
    'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  selector: {app: a}\n  ports: [{port: 80}]\n',
  );
  writeFileSync(
    path.join(dir, 'b.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata: {x: yes}\n',
  );
  writeFileSync(path.join(dir, 'c.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: c\nspec: {}\n');
  writeFileSync(path.join(dir, 'd.yaml'), Buffer.from([0x61, 0, 0x62]));
  writeFileSync(
    path.join(dir, 'e.yaml'),
    'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Pod, metadata: {name: p, labels: {app: a}}}\n',
  );
  return dir;
}

c('a mixed tree (fast, slow, broken, binary, List) loads the same on workers', async () => {
  const dir = mixedTree();
  const off = await loaded(dir, 'off');
  const two = await loaded(dir, 2);
  // Never more workers than batches of files: five files make one.
  assert.is(two.workers, 1);
  assert.is(off.diagnostics.length, 2);
  assert.equal(shape(two), shape(off));
});

c('the total-bytes budget skips the same files on workers', async () => {
  const dir = mixedTree();
  const limits = { maxFileBytes: 1 << 20, maxAliasCount: 100, maxTotalBytes: 150 };
  const off = await load(['.'], { cwd: dir, ignore: [], concurrency: 'off', limits });
  const two = await load(['.'], { cwd: dir, ignore: [], concurrency: 2, limits });
  assert.ok(off.diagnostics.some((d) => /limit for all files together/.test(d.message)));
  assert.equal(shape(two), shape(off));
});

c('with --cache, workers parse the misses and hits need none', async () => {
  const dir = mixedTree();
  const off = await loaded(dir, 'off');
  const cacheDir = path.join(tempDir(), 'cache');
  const cold = new ParseCache(cacheDir, '1.0.0', dir);
  const first = await load(['.'], { cwd: dir, ignore: [], concurrency: 2, cache: cold });
  assert.is(first.workers, 1);
  assert.equal(shape(first), shape(off));
  cold.save();
  const warm = new ParseCache(cacheDir, '1.0.0', dir);
  const again = await load(['.'], { cwd: dir, ignore: [], concurrency: 'auto', cache: warm });
  assert.is(again.workers ?? 0, 0);
  assert.is(warm.stats.hits, 2);
  assert.equal(shape(again), shape(off));
});

c('a worker that throws, exits or cannot start: the main thread parses instead, same result', async () => {
  const dir = mixedTree();
  const off = await loaded(dir, 'off');
  const scripts = tempDir();
  const throws = path.join(scripts, 'throws.js');
  writeFileSync(
    throws,
    "require('node:worker_threads').parentPort.on('message', () => { throw new Error('boom'); });\n",
  );
  const exits = path.join(scripts, 'exits.js');
  writeFileSync(exits, "require('node:worker_threads').parentPort.on('message', () => process.exit(3));\n");
  const broken = path.join(scripts, 'broken.js');
  writeFileSync(broken, 'this is not JavaScript {\n');
  const missing = path.join(scripts, 'missing.js');
  for (const workerScript of [throws, exits, broken, missing]) {
    const r = await loaded(dir, 2, { workerScript });
    assert.equal(shape(r), shape(off), workerScript);
  }
});

c('a bad --concurrency value exits 2', () => {
  for (const bad of ['0', 'zero', '-1', '1.5', 'all', '']) {
    const r = runCli(['--concurrency', bad, '--no-config', FIXTURES]);
    assert.is(r.status, 2, bad);
    assert.match(r.stderr, /--concurrency/);
  }
});

c('--concurrency 2 works from the command line (bundled CLI) with the same report', () => {
  const dir = mixedTree();
  const a = runCli(['--concurrency', 'off', '--no-config', '--format', 'json', '.'], { cwd: dir });
  const b = runCli(['--concurrency', '2', '--no-config', '--format', 'json', '.'], {
    cwd: dir,
    env: { KUBE_NETLINT_TIMING: '1' },
  });
  assert.match(b.stderr, /parse workers: 1/);
  assert.is(b.status, a.status);
  assert.is(b.stdout, a.stdout);
  assert.ok(a.stdout.includes('"findings"'));
});

c.run();
