import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RULES } from '../rules/index';
import { defaultConfig } from '../src/config/types';
import { runRules } from '../src/engine/run';
import { discover, UsageError } from '../src/load/discover';
import { load } from '../src/load/index';
import { regionOf } from '../src/load/region';
import { Model } from '../src/model/model';
import { loadTexts, tempDir } from './helpers';

const SERVICE =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: http\n';

const positions = suite('load: positions');

positions('LF: a scalar field points at its value', () => {
  const { docs } = loadTexts({ 'a.yaml': SERVICE });
  const r = regionOf(docs[0]!, ['spec', 'ports', 0, 'targetPort']);
  assert.equal(r, { startLine: 10, startColumn: 17, endLine: 10, endColumn: 21 });
});

positions('a block map field starts at its key', () => {
  const { docs } = loadTexts({ 'a.yaml': SERVICE });
  const r = regionOf(docs[0]!, ['spec', 'selector']);
  assert.equal(r, { startLine: 6, startColumn: 3, endLine: 7, endColumn: 13 });
});

positions('CRLF line endings give the same lines and columns', () => {
  const { docs } = loadTexts({ 'a.yaml': SERVICE.replace(/\n/g, '\r\n') });
  assert.equal(regionOf(docs[0]!, ['spec', 'ports', 0, 'targetPort']), {
    startLine: 10,
    startColumn: 17,
    endLine: 10,
    endColumn: 21,
  });
  assert.equal(regionOf(docs[0]!, ['spec', 'selector']).endLine, 7);
});

positions('a byte-order mark does not shift columns', () => {
  const { docs } = loadTexts({ 'a.yaml': '\uFEFF' + SERVICE });
  assert.is(docs.length, 1);
  assert.equal(regionOf(docs[0]!, ['metadata', 'name']), {
    startLine: 4,
    startColumn: 9,
    endLine: 4,
    endColumn: 12,
  });
});

positions('flow style (JSON-like, trailing commas)', () => {
  const text =
    '{\n  apiVersion: "v1",\n  kind: "Service",\n  metadata: {name: "web",},\n  spec: {\n    selector: {app: "web",},\n  },\n}\n';
  const { docs } = loadTexts({ 'a.yaml': text });
  assert.equal(regionOf(docs[0]!, ['spec', 'selector']), {
    startLine: 6,
    startColumn: 15,
    endLine: 6,
    endColumn: 28,
  });
});

positions('JSON files', () => {
  const text = '{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {"name": "web"}\n}\n';
  const { docs } = loadTexts({ 'a.json': text });
  assert.equal(regionOf(docs[0]!, ['metadata', 'name']), {
    startLine: 4,
    startColumn: 24,
    endLine: 4,
    endColumn: 29,
  });
});

positions('multi-document files and List items keep their own positions', () => {
  const text =
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: b\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: c\n';
  const { docs } = loadTexts({ 'a.yaml': text });
  assert.equal(
    docs.map((d) => (d.value['metadata'] as { name: string }).name),
    ['a', 'b', 'c'],
  );
  assert.is(regionOf(docs[2]!, ['metadata', 'name']).startLine, 15);
  assert.is(regionOf(docs[1]!, []).startLine, 8);
});

positions('the full parse path (alias, broken document, List) builds its AST again for regions', () => {
  // An alias sends the file to the full parse; the broken second document is reported and skipped,
  // and the documents after it still find their own AST (issue #22: the AST is not kept).
  const text =
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: &n a}\ndata: {k: *n}\n---\nkind: [\n---\n' +
    'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: b\n' +
    '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: c\n';
  const { docs, diagnostics } = loadTexts({ 'a.yaml': text });
  assert.equal(
    docs.map((d) => (d.value['metadata'] as { name: string }).name),
    ['a', 'b', 'c'],
  );
  assert.is(diagnostics.length, 1);
  assert.is(regionOf(docs[0]!, ['data', 'k']).startLine, 4);
  assert.is(regionOf(docs[1]!, ['metadata', 'name']).startLine, 14);
  assert.is(regionOf(docs[2]!, ['metadata', 'name']).startLine, 19);
});

positions('a missing field points at the deepest existing ancestor', () => {
  const { docs } = loadTexts({ 'a.yaml': SERVICE });
  assert.is(regionOf(docs[0]!, ['spec', 'ports', 0, 'nodePort']).startLine, 9);
});

positions.run();

const bad = suite('load: bad input becomes diagnostics');

function diagnosticsOf(
  content: string | Uint8Array,
  limits?: { maxFileBytes: number; maxAliasCount: number },
) {
  return loadTexts({ 'x.yaml': content }, limits);
}

bad('empty file and comment-only file: nothing, silently', () => {
  for (const text of ['', '\n\n', '# only a comment\n', '---\n---\n']) {
    const r = diagnosticsOf(text);
    assert.is(r.docs.length, 0);
    assert.is(r.diagnostics.length, 0);
  }
});

bad('documents that are not Kubernetes objects are skipped silently', () => {
  const r = diagnosticsOf('--- 42\n--- [a, b]\n--- {name: ci, on: push}\n--- {kind: Foo}\n');
  assert.is(r.docs.length, 0);
  assert.is(r.diagnostics.length, 0);
});

bad('syntax error: one diagnostic with its line; other documents still load', () => {
  const r = diagnosticsOf(
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkey: [unclosed\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n',
  );
  assert.is(r.docs.length, 2);
  assert.is(r.diagnostics.length, 1);
  assert.is(r.diagnostics[0]!.kind, 'parse-error');
  assert.ok(r.diagnostics[0]!.region.startLine >= 5);
});

bad('duplicate keys are reported', () => {
  const r = diagnosticsOf('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nmetadata: {name: b}\n');
  assert.is(r.docs.length, 0);
  assert.match(r.diagnostics[0]!.message, /duplicate key 'metadata'/);
  assert.is(r.diagnostics[0]!.region.startLine, 4);
});

bad('binary file', () => {
  const r = diagnosticsOf(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
  assert.is(r.diagnostics.length, 1);
  assert.match(r.diagnostics[0]!.message, /binary/);
});

bad('invalid UTF-8: the line of the first bad byte', () => {
  const bytes = Buffer.concat([
    Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf'),
    Buffer.from([0xc3, 0x28]),
    Buffer.from('\n'),
  ]);
  const r = diagnosticsOf(bytes);
  assert.is(r.diagnostics.length, 1);
  assert.match(r.diagnostics[0]!.message, /invalid UTF-8/);
  assert.is(r.diagnostics[0]!.region.startLine, 4);
});

bad('file over the size limit', () => {
  const r = diagnosticsOf(SERVICE, { maxFileBytes: 10, maxAliasCount: 100 });
  assert.is(r.docs.length, 0);
  assert.match(r.diagnostics[0]!.message, /limit/);
});

bad('alias bomb (billion laughs)', () => {
  let text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a0: &a0 "lol"\n';
  for (let i = 1; i <= 12; i++) {
    const prev = `*a${i - 1}`;
    text += `  a${i}: &a${i} [${Array(10).fill(prev).join(', ')}]\n`;
  }
  const r = diagnosticsOf(text);
  assert.is(r.docs.length, 0);
  assert.match(r.diagnostics[0]!.message, /alias/);
});

bad('deeply nested document', () => {
  const depth = 20000;
  const text =
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ' +
    '['.repeat(depth) +
    ']'.repeat(depth) +
    '\n';
  const r = diagnosticsOf(text);
  // Either parsed (and harmless) or one diagnostic; never a throw.
  assert.ok(r.docs.length + r.diagnostics.length === 1);
});

bad('Helm template: one note pointing at the first expression', () => {
  const r = diagnosticsOf('apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n');
  assert.is(r.docs.length, 0);
  assert.is(r.diagnostics[0]!.kind, 'helm-template');
  assert.equal(r.diagnostics[0]!.region.startLine, 4);
});

bad('unknown kinds and missing fields never crash a rule', () => {
  const texts = [
    'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n',
    'apiVersion: v1\nkind: Service\n',
    'apiVersion: v1\nkind: Service\nmetadata: null\nspec: null\n',
    'apiVersion: v1\nkind: Service\nmetadata: {name: 5, namespace: [x]}\nspec: {selector: [a, b], ports: "80"}\n',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: 7, replicas: "x"}\n',
    'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec: {replicas: 1e9, template: {metadata: {labels: {a: [1]}}, spec: {containers: [null, 3, {ports: [null, {containerPort: "x"}]}]}}}\n',
    'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: {}, initContainers: "x"}\n',
  ];
  for (const text of texts) {
    const loaded = loadTexts({ 'x.yaml': text });
    const model = new Model(loaded.docs, loaded.diagnostics, { defaultNamespace: 'default' });
    const config = defaultConfig('/');
    const { findings, crashed } = runRules(model, { rules: RULES, severities: {}, config });
    assert.equal(crashed, [], `a rule crashed on:\n${text}`);
    assert.ok(findings.every((f) => f.ruleId !== 'internal-error'));
  }
});

bad.run();

const disc = suite('load: discovery');

function tree(): string {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'apps', 'web'), { recursive: true });
  mkdirSync(path.join(dir, 'node_modules', 'x'), { recursive: true });
  mkdirSync(path.join(dir, '.git'), { recursive: true });
  mkdirSync(path.join(dir, 'charts', 'templates'), { recursive: true });
  writeFileSync(path.join(dir, 'apps', 'web', 'svc.yaml'), SERVICE);
  writeFileSync(path.join(dir, 'apps', 'web', 'deploy.YML'), SERVICE);
  writeFileSync(path.join(dir, 'apps', 'web', 'notes.txt'), 'not yaml');
  writeFileSync(path.join(dir, 'apps', 'list.json'), '{}');
  writeFileSync(path.join(dir, 'node_modules', 'x', 'a.yaml'), SERVICE);
  writeFileSync(path.join(dir, '.git', 'a.yaml'), SERVICE);
  writeFileSync(path.join(dir, 'charts', 'templates', 't.yaml'), SERVICE);
  return dir;
}

disc(
  'directories are searched recursively for .yaml, .yml and .json; node_modules and .git are skipped',
  async () => {
    const dir = tree();
    const found = await discover([dir], { cwd: dir, ignore: [] });
    const rel = found.files.map((f) => path.relative(dir, f).split(path.sep).join('/'));
    assert.equal(rel, [
      'apps/list.json',
      'apps/web/deploy.YML',
      'apps/web/svc.yaml',
      'charts/templates/t.yaml',
    ]);
  },
);

disc('ignore globs skip files and whole directories', async () => {
  const dir = tree();
  const found = await discover(['.'], {
    cwd: dir,
    ignore: [
      { pattern: '**/templates/**', base: dir },
      { pattern: '*.json', base: dir },
    ],
  });
  const rel = found.files.map((f) => path.relative(dir, f).split(path.sep).join('/'));
  assert.equal(rel, ['apps/web/deploy.YML', 'apps/web/svc.yaml']);
});

disc('globs, explicit files and stdin', async () => {
  const dir = tree();
  const found = await discover(['apps/**/*.yaml', 'apps/web/notes.txt', '-'], { cwd: dir, ignore: [] });
  assert.is(found.stdin, true);
  assert.equal(
    found.files.map((f) => path.relative(dir, f).split(path.sep).join('/')),
    ['apps/web/notes.txt', 'apps/web/svc.yaml'],
  );
});

disc('a path that does not exist is a usage error', async () => {
  const dir = tree();
  try {
    await discover(['nope'], { cwd: dir, ignore: [] });
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, UsageError);
  }
});

disc('symlink loops and dangling links are skipped, each file found once', async () => {
  const dir = tree();
  symlinkSync(path.join(dir, 'apps'), path.join(dir, 'apps', 'web', 'loop'));
  symlinkSync(path.join(dir, 'missing'), path.join(dir, 'dangling.yaml'));
  symlinkSync(path.join(dir, 'self.yaml'), path.join(dir, 'self.yaml'));
  const found = await discover([dir], { cwd: dir, ignore: [] });
  assert.is(found.files.filter((f) => f.endsWith('svc.yaml')).length, 1);
});

disc('load() reads files and stdin; a file that vanished is a diagnostic', async () => {
  const dir = tree();
  const result = await load(['apps', '-'], {
    cwd: dir,
    ignore: [],
    readStdin: async () => Buffer.from(SERVICE.replace('name: web', 'name: from-stdin')),
  });
  const names = result.docs.map((d) => `${d.file.path}:${(d.value['metadata'] as { name: string }).name}`);
  assert.equal(names, ['apps/web/deploy.YML:web', 'apps/web/svc.yaml:web', '<stdin>:from-stdin']);
});

disc.run();
