// `--cache` (#22): documents parsed in an earlier run, by content; never trusted beyond its shape.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { serialize } from 'node:v8';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ParseCache } from '../src/load/cache';
import { load } from '../src/load/index';
import { runCli, tempDir } from './helpers';

const c = suite('parse cache');

const WIDGET = `apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  annotations: {released: 2024-01-05}
data:
  mode: "0644"
  ratio: .nan
  list: [a, 1, true, null]
---
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {ports: [{port: 80}]}}
`;
// The slow path (a YAML 1.1 value) is never cached: its diagnostics and regions stay as they are.
const SLOW = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: {on: yes}\n';

function repo(): { dir: string; cacheDir: string } {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'widget.yaml'), WIDGET);
  writeFileSync(path.join(dir, 'slow.yaml'), SLOW);
  return { dir, cacheDir: path.join(dir, 'node_modules', '.cache', 'kube-netlint') };
}

async function run(dir: string, cache?: ParseCache) {
  const r = await load(['.'], { cwd: dir, ignore: [], ...(cache ? { cache } : {}) });
  return {
    values: r.docs.map((d) => ({
      file: d.file.path,
      docIndex: d.docIndex,
      basePath: d.basePath,
      value: d.value,
    })),
    diagnostics: r.diagnostics,
  };
}

c('a warm run reads the same documents from the cache, and only the fast-path file is cached', async () => {
  const { dir, cacheDir } = repo();
  const plain = await run(dir);
  const cold = new ParseCache(cacheDir, '1.0.0', dir);
  assert.equal(await run(dir, cold), plain);
  assert.equal(cold.stats, { hits: 0, misses: 2, rejected: 0 });
  cold.save();
  assert.ok(existsSync(path.join(cacheDir, 'parsed.v8')));
  const warm = new ParseCache(cacheDir, '1.0.0', dir);
  const again = await run(dir, warm);
  assert.equal(again, plain);
  assert.equal(warm.stats, { hits: 1, misses: 1, rejected: 0 });
  // Dates, NaN and List items come back as the parser built them.
  const widget = again.values.find((v) => v.value['kind'] === 'Widget')?.value as {
    metadata: { annotations: { released: unknown } };
    data: { ratio: number };
  };
  assert.ok(widget.metadata.annotations.released instanceof Date);
  assert.ok(Number.isNaN(widget.data.ratio));
  assert.equal(again.values.find((v) => v.value['kind'] === 'Service')?.basePath, ['items', 0]);
});

c('a changed file is parsed again; another version of the linter ignores the cache', async () => {
  const { dir, cacheDir } = repo();
  const first = new ParseCache(cacheDir, '1.0.0', dir);
  await run(dir, first);
  first.save();
  writeFileSync(path.join(dir, 'widget.yaml'), WIDGET.replace('name: w', 'name: changed'));
  const changed = new ParseCache(cacheDir, '1.0.0', dir);
  const r = await run(dir, changed);
  assert.is(changed.stats.hits, 0);
  const widget = r.values.find((v) => v.value['kind'] === 'Widget');
  assert.is((widget?.value['metadata'] as { name: string }).name, 'changed');
  const other = new ParseCache(cacheDir, '1.0.1', dir);
  await run(dir, other);
  assert.is(other.stats.hits, 0);
});

c('a corrupted, truncated or foreign cache file is ignored and replaced', async () => {
  const { dir, cacheDir } = repo();
  const plain = await run(dir);
  const file = path.join(cacheDir, 'parsed.v8');
  const good = new ParseCache(cacheDir, '1.0.0', dir);
  await run(dir, good);
  good.save();
  const bytes = readFileSync(file);
  for (const bad of [
    Buffer.from('not a cache at all'),
    bytes.subarray(0, Math.floor(bytes.length / 2)),
    serialize({ format: 'something-else', entries: new Map() }),
    serialize([1, 2, 3]),
  ]) {
    writeFileSync(file, bad);
    const cache = new ParseCache(cacheDir, '1.0.0', dir);
    assert.equal(await run(dir, cache), plain);
    assert.is(cache.stats.hits, 0);
    cache.save();
    assert.is(new ParseCache(cacheDir, '1.0.0', dir).stats.hits, 0); // readable again
  }
});

c('entries of the wrong shape under the right key are rejected and the file parsed', async () => {
  const { dir, cacheDir } = repo();
  const plain = await run(dir);
  const probe = new ParseCache(cacheDir, '1.0.0', dir);
  const key = probe.key(readFileSync(path.join(dir, 'widget.yaml')), '');
  const planted = (entry: unknown) =>
    writeFileSync(
      path.join(cacheDir, 'parsed.v8'),
      serialize({
        format: 'kube-netlint-parse-cache/1',
        version: '1.0.0',
        entries: new Map([[key, serialize(entry)]]),
      }),
    );
  mkdirSync(cacheDir, { recursive: true });
  for (const entry of [
    'a string',
    [{ docIndex: -1, basePath: [], value: { kind: 'Service', apiVersion: 'v1' } }],
    [{ docIndex: 0, basePath: [], value: { kind: 'Service' } }],
    [{ docIndex: 0, basePath: [], value: { kind: 'Service', apiVersion: 'v1', spec: new Map() } }],
    [{ docIndex: 0, basePath: [{}], value: { kind: 'Service', apiVersion: 'v1' } }],
    [{ docIndex: 0, basePath: [], value: { kind: 'Service', apiVersion: 'v1', spec: [/x/] } }],
  ]) {
    planted(entry);
    const cache = new ParseCache(cacheDir, '1.0.0', dir);
    assert.equal(await run(dir, cache), plain);
    assert.is(cache.stats.rejected, 1, JSON.stringify(entry).slice(0, 80));
  }
});

c('the cache is not written through a symbolic link in the repository', async () => {
  const { dir } = repo();
  const elsewhere = tempDir();
  symlinkSync(elsewhere, path.join(dir, 'node_modules'));
  const cache = new ParseCache(path.join(dir, 'node_modules', '.cache', 'kube-netlint'), '1.0.0', dir);
  await run(dir, cache);
  cache.save();
  assert.not.ok(existsSync(path.join(elsewhere, '.cache')));
});

c(
  'command line: --cache writes under node_modules/.cache/kube-netlint, --cache-location elsewhere; same report',
  () => {
    const { dir } = repo();
    const plain = runCli(['.', '--no-config', '-f', 'json'], { cwd: dir });
    const cold = runCli(['.', '--no-config', '-f', 'json', '--cache'], { cwd: dir });
    const warm = runCli(['.', '--no-config', '-f', 'json', '--cache'], { cwd: dir });
    assert.ok(existsSync(path.join(dir, 'node_modules', '.cache', 'kube-netlint', 'parsed.v8')));
    assert.is(cold.stdout, plain.stdout);
    assert.is(warm.stdout, plain.stdout);
    assert.is(warm.status, plain.status);
    const other = tempDir();
    runCli(['.', '--no-config', '--cache', '--cache-location', other], { cwd: dir });
    assert.ok(existsSync(path.join(other, 'parsed.v8')));
    // ESLint's semantics: a location without --cache writes nothing.
    const none = tempDir();
    runCli(['.', '--no-config', '--cache-location', path.join(none, 'c')], { cwd: dir });
    assert.not.ok(existsSync(path.join(none, 'c')));
  },
);

c.run();
