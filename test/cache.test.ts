// `--cache` (#22): documents parsed in an earlier run, by content; never trusted beyond its shape.
import { existsSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
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

const FORMAT = 'kube-netlint-parse-cache/2';

/** Writes a cache file of these entries (key → entry text) in the layout cache.ts reads. */
function plant(cacheDir: string, version: string, entries: Map<string, string>): void {
  const spans = new Map<string, [number, number]>();
  let at = 1;
  for (const [k, text] of entries) {
    spans.set(k, [at, at + text.length]);
    at += text.length + 1;
  }
  const body = `[${[...entries.values()].join(',')}]`;
  writeFileSync(
    path.join(cacheDir, 'parsed.v8'),
    serialize({ format: FORMAT, version, body, spans, files: new Map() }),
  );
}

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
  assert.equal(cold.stats, { hits: 0, misses: 2, rejected: 0, unread: 0 });
  cold.save();
  assert.ok(existsSync(path.join(cacheDir, 'parsed.v8')));
  const warm = new ParseCache(cacheDir, '1.0.0', dir);
  const again = await run(dir, warm);
  assert.equal(again, plain);
  assert.equal(warm.stats, { hits: 1, misses: 1, rejected: 0, unread: 0 });
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
  mkdirSync(cacheDir, { recursive: true });
  const service = { kind: 'Service', apiVersion: 'v1', spec: { a: null } };
  for (const entry of [
    'a string',
    [{ docIndex: -1, basePath: [], value: { kind: 'Service', apiVersion: 'v1' } }],
    [{ docIndex: 0, basePath: [], value: { kind: 'Service' } }],
    [{ docIndex: 0, basePath: [{}], value: { kind: 'Service', apiVersion: 'v1' } }],
    // Special values (Dates, bytes, NaN) put back by path: never through a prototype, nor of an unknown kind.
    [{ docIndex: 0, basePath: [], value: service, special: [[['__proto__', 'polluted'], 'date', '0']] }],
    [{ docIndex: 0, basePath: [], value: service, special: [[['spec', 'missing'], 'date', '0']] }],
    [{ docIndex: 0, basePath: [], value: service, special: [[['spec', 'a'], 'regexp', 'x']] }],
    [{ docIndex: 0, basePath: [], value: service, special: [[['spec', 'a'], 'number', '1e3']] }],
    [{ docIndex: 0, basePath: [], value: service, special: [[[], 'date', '0']] }],
    [{ docIndex: 0, basePath: [], value: service, special: 'x' }],
  ]) {
    plant(cacheDir, '1.0.0', new Map([[key, JSON.stringify(entry)]]));
    const cache = new ParseCache(cacheDir, '1.0.0', dir);
    assert.equal(await run(dir, cache), plain);
    assert.is(cache.stats.rejected, 1, JSON.stringify(entry).slice(0, 80));
    assert.is(({} as Record<string, unknown>)['polluted'], undefined);
  }
  // A body that is not JSON, or spans that do not fit it: nothing is used, and the file is replaced.
  for (const body of ['[{', '[1,2]']) {
    writeFileSync(
      path.join(cacheDir, 'parsed.v8'),
      serialize({
        format: FORMAT,
        version: '1.0.0',
        body,
        spans: new Map([[key, [1, 2]]]),
        files: new Map(),
      }),
    );
    const cache = new ParseCache(cacheDir, '1.0.0', dir);
    assert.equal(await run(dir, cache), plain);
    assert.is(cache.stats.hits, 0);
    cache.save();
    const again = new ParseCache(cacheDir, '1.0.0', dir);
    await run(dir, again);
    assert.is(again.stats.hits, 1, 'rewritten whole');
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
  'values JSON cannot hold come back as the parser built them; files with the same bytes share no values',
  async () => {
    const dir = tempDir();
    const text =
      'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: c, annotations: {at: 2024-01-05T10:00:00Z, b: !!binary aGVsbG8=}}\n' +
      'data: {i: -.inf, z: -0.0, p: .inf, deep: {list: [1, 2024-02-03]}}\n';
    writeFileSync(path.join(dir, 'a.yaml'), text);
    writeFileSync(path.join(dir, 'b.yaml'), text);
    const cacheDir = path.join(dir, 'cache');
    const plain = await run(dir);
    const cold = new ParseCache(cacheDir, '1.0.0', dir);
    await run(dir, cold);
    cold.save();
    const warm = new ParseCache(cacheDir, '1.0.0', dir);
    const again = await run(dir, warm);
    assert.is(warm.stats.hits, 2);
    assert.equal(again, plain);
    const [a, b] = again.values.map((v) => v.value) as {
      metadata: { annotations: { at: unknown; b: unknown } };
      data: { i: number; z: number; p: number; deep: { list: unknown[] } };
    }[];
    assert.ok(a?.metadata.annotations.at instanceof Date);
    assert.is((a?.metadata.annotations.at as Date).toISOString(), '2024-01-05T10:00:00.000Z');
    assert.ok(a?.metadata.annotations.b instanceof Uint8Array);
    assert.is(Buffer.from(a?.metadata.annotations.b as Uint8Array).toString(), 'hello');
    assert.is(a?.data.i, -Infinity);
    assert.is(a?.data.p, Infinity);
    assert.ok(Object.is(a?.data.z, -0));
    assert.ok(a?.data.deep.list[1] instanceof Date);
    assert.is.not(a, b, 'each file its own values');
  },
);

c('metadata strategy: an unchanged file is not read; its text is read when needed', async () => {
  const { dir, cacheDir } = repo();
  const plain = await run(dir);
  const cold = new ParseCache(cacheDir, '1.0.0', dir, 'metadata');
  await run(dir, cold);
  cold.save();
  const warm = new ParseCache(cacheDir, '1.0.0', dir, 'metadata');
  const r = await load(['.'], { cwd: dir, ignore: [], cache: warm });
  assert.equal(warm.stats, { hits: 1, misses: 1, rejected: 0, unread: 1 });
  const widget = r.files.find((f) => f.path === 'widget.yaml');
  assert.is(widget?.mayHaveDirectives, false);
  assert.is(widget?.text, WIDGET);
  assert.is(widget?.lineCounter.linePos(WIDGET.indexOf('kind: List')).line, 12);
  assert.equal(await run(dir, new ParseCache(cacheDir, '1.0.0', dir, 'metadata')), plain);
  // The content strategy reads every file, with the same cache.
  const content = new ParseCache(cacheDir, '1.0.0', dir, 'content');
  await run(dir, content);
  assert.equal(content.stats, { hits: 1, misses: 1, rejected: 0, unread: 0 });
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

// A Service whose targetPort is `http` (fine) or `htxp` (a finding): the same size either way.
const SERVICE = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web:1, ports: [{name: http, containerPort: 8080}]}]
`;

c(
  'command line: --cache-strategy metadata re-reads a file whose mtime or size changed, and only then',
  () => {
    const dir = tempDir();
    const file = path.join(dir, 'web.yaml');
    writeFileSync(file, SERVICE);
    // Whole seconds: a restored mtime is then exactly the stored one.
    const then = new Date('2026-01-01T00:00:00Z');
    utimesSync(file, then, then);
    const args = ['.', '--no-config', '-f', 'json', '--cache', '--cache-location', 'c'];
    const findings = (r: { stdout: string }) =>
      (JSON.parse(r.stdout) as { findings: unknown[] }).findings.length;
    assert.is(findings(runCli(args, { cwd: dir })), 0);
    // Same size, new content, the old mtime: the metadata strategy takes it as unchanged (as ESLint's
    // does), the content strategy sees the new bytes.
    writeFileSync(file, SERVICE.replace('targetPort: http', 'targetPort: htxp'));
    utimesSync(file, then, then);
    assert.is(findings(runCli(args, { cwd: dir })), 0, 'metadata: size, mtime and inode unchanged');
    assert.is(findings(runCli([...args, '--cache-strategy', 'metadata'], { cwd: dir })), 0);
    assert.is(findings(runCli([...args, '--cache-strategy', 'content'], { cwd: dir })), 1, 'content');
    // A new mtime (same size): read again.
    const later = new Date('2026-01-01T00:00:05Z');
    utimesSync(file, later, later);
    assert.is(findings(runCli(args, { cwd: dir })), 1, 'mtime changed');
    // A new size (the old mtime): read again.
    writeFileSync(file, SERVICE + '# more\n');
    utimesSync(file, later, later);
    assert.is(findings(runCli(args, { cwd: dir })), 0, 'size changed');
    const bad = runCli([...args, '--cache-strategy', 'inode'], { cwd: dir });
    assert.is(bad.status, 2);
    assert.match(bad.stderr, /--cache-strategy 'inode'/);
  },
);

c('command line: the content strategy ignores mtime (a touched file does not change the cache)', () => {
  const dir = tempDir();
  const file = path.join(dir, 'web.yaml');
  writeFileSync(file, SERVICE);
  const cacheFile = path.join(dir, 'c', 'parsed.v8');
  const content = [
    '.',
    '--no-config',
    '-f',
    'json',
    '--cache',
    '--cache-location',
    'c',
    '--cache-strategy',
    'content',
  ];
  const plain = runCli(['.', '--no-config', '-f', 'json'], { cwd: dir });
  runCli(content, { cwd: dir });
  const written = readFileSync(cacheFile);
  utimesSync(file, new Date(), new Date(Date.now() + 10_000));
  const warm = runCli(content, { cwd: dir });
  assert.is(warm.stdout, plain.stdout);
  assert.equal(readFileSync(cacheFile), written, 'a hit by content: nothing to rewrite');
  // The metadata strategy records the new stat (once), then finds the file unchanged.
  const metadata = content.slice(0, -1).concat('metadata');
  assert.is(runCli(metadata, { cwd: dir }).stdout, plain.stdout);
  const recorded = readFileSync(cacheFile);
  assert.not.equal(recorded, written);
  assert.is(runCli(metadata, { cwd: dir }).stdout, plain.stdout);
  assert.equal(readFileSync(cacheFile), recorded);
});

c(
  'command line: warm metadata runs report findings, regions and suppressions as a run without the cache',
  () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'web.yaml'), SERVICE.replace('targetPort: http', 'targetPort: htxp'));
    writeFileSync(
      path.join(dir, 'quiet.yaml'),
      SERVICE.replace(/web/g, 'quiet')
        .replace('targetPort: http', 'targetPort: htxp')
        .replace('  ports: [', '  # kube-netlint-disable-next-line service-target-port-missing\n  ports: ['),
    );
    const plain = runCli(['.', '--no-config', '-f', 'sarif'], { cwd: dir });
    const args = ['.', '--no-config', '-f', 'sarif', '--cache', '--cache-location', 'c'];
    runCli(args, { cwd: dir });
    const warm = runCli(args, { cwd: dir });
    assert.is(warm.stdout, plain.stdout);
    assert.is(warm.status, plain.status);
    assert.match(plain.stdout, /htxp/);
  },
);

c.run();
