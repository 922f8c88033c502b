// File texts are let go after parsing and read again when a region, a suppression comment or a
// Corefile location needs them (#22); a file that changed or vanished since must never be pointed
// at a wrong place.
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../src/config/types';
import { corefileSources } from '../src/dns/source';
import { lintLoaded } from '../src/lint';
import { load } from '../src/load/index';
import { regionOf } from '../src/load/region';
import { tempDir } from './helpers';

const c = suite('source texts');

// The port's line is 9: anything pointing there after the file changed would be a wrong place.
const SERVICE = `# a comment
# another

apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
      targetPort: http
`;

async function loadOne(name: string, text: string) {
  const dir = tempDir();
  const file = path.join(dir, name);
  writeFileSync(file, text);
  const r = await load(['.'], { cwd: dir, ignore: [], concurrency: 'off' });
  return { dir, file, r, doc: r.docs[0]! };
}

c('an unchanged file is read again for a region: the same region as with its text', async () => {
  const { doc } = await loadOne('svc.yaml', SERVICE);
  assert.equal(regionOf(doc, ['spec', 'ports', 0, 'port']), {
    startLine: 10,
    startColumn: 13,
    endLine: 10,
    endColumn: 15,
  });
  assert.is(doc.file.textChanged, false);
});

c('a file changed after parsing: regions point at line 1, not at what the new text holds there', async () => {
  const { file, doc } = await loadOne('svc.yaml', SERVICE);
  writeFileSync(file, SERVICE.replace('# a comment\n', ''));
  assert.equal(regionOf(doc, ['spec', 'ports', 0, 'port']), {
    startLine: 1,
    startColumn: 1,
    endLine: 1,
    endColumn: 1,
  });
  assert.is(doc.file.textChanged, true);
  assert.is(doc.file.text, '');
});

c('a file with the same length but other bytes counts as changed (hash)', async () => {
  const { file, doc } = await loadOne('svc.yaml', SERVICE);
  writeFileSync(file, SERVICE.replace('port: 80', 'port: 81'));
  assert.is(regionOf(doc, ['spec', 'ports', 0, 'port']).startLine, 1);
});

c('a file deleted after parsing: line 1, no crash', async () => {
  const { file, doc } = await loadOne('svc.yaml', SERVICE);
  rmSync(file);
  assert.is(regionOf(doc, ['spec', 'ports', 0, 'port']).startLine, 1);
  assert.is(doc.file.lineCounter.linePos(0).line, 1);
});

c('standard input keeps its text', async () => {
  const dir = tempDir();
  const r = await load(['-'], {
    cwd: dir,
    ignore: [],
    readStdin: () => Promise.resolve(Buffer.from(SERVICE)),
  });
  const doc = r.docs[0]!;
  assert.is(doc.file.text, SERVICE);
  assert.is(regionOf(doc, ['spec', 'ports', 0, 'port']).startLine, 10);
  assert.is(doc.file.textChanged ?? false, false);
});

const CONFLICT = `apiVersion: v1
kind: Service
metadata:
  name: a
spec:
  selector: {app: a}
  ports:
    # kube-netlint-disable-next-line service-port-invalid
    - port: 70000
`;

c('suppression comments are read again from the file; not from a file that changed', async () => {
  const { dir, file, r } = await loadOne('svc.yaml', CONFLICT);
  const opts = { cwd: dir, config: defaultConfig(dir) };
  const first = lintLoaded(r, opts).findings.filter((f) => f.ruleId === 'service-port-invalid');
  assert.is(first.length, 1);
  assert.is(first[0]!.location.region.startLine, 9);
  assert.is(first[0]!.suppressions.length, 1);
  const again = await load(['.'], { cwd: dir, ignore: [], concurrency: 'off' });
  writeFileSync(file, `# moved\n${CONFLICT}`);
  const changed = lintLoaded(again, opts).findings.filter((f) => f.ruleId === 'service-port-invalid');
  assert.ok(changed.length > 0);
  for (const f of changed) {
    assert.is(f.location.region.startLine, 1);
    assert.is(f.suppressions.length, 0);
  }
});

const COREDNS = `apiVersion: v1
kind: ConfigMap
metadata:
  name: coredns
  namespace: kube-system
data:
  Corefile: |
    .:53 {
        forward . 10.0.0.1
    }
`;

c('Corefile locations are read from the file again, and not from one that changed', async () => {
  const { dir, file, r } = await loadOne('coredns.yaml', COREDNS);
  const model = lintLoaded(r, { cwd: dir, config: defaultConfig(dir) }).model;
  assert.equal(corefileSources(model)[0]!.regionAt(1, 4, 7), {
    startLine: 9,
    startColumn: 9,
    endLine: 9,
    endColumn: 16,
  });
  const again = await load(['.'], { cwd: dir, ignore: [], concurrency: 'off' });
  writeFileSync(file, COREDNS.replace('10.0.0.1', '10.0.0.2'));
  const model2 = lintLoaded(again, { cwd: dir, config: defaultConfig(dir) }).model;
  assert.is(corefileSources(model2)[0]!.regionAt(1, 4, 7), undefined);
});

c('a file the full parse read keeps its text (its yaml AST holds slices of it anyway)', async () => {
  const { file, doc } = await loadOne(
    'cm.yaml',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: {x: yes}\n',
  );
  writeFileSync(file, '# changed\n');
  assert.is(doc.file.textChanged, false);
  assert.is(regionOf(doc, ['data', 'x']).startLine, 5);
});

c.run();
