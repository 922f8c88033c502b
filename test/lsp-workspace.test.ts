// The language server's workspace model in-process: buffers over disk, one re-parse per edit, the
// config's ignores, UTF-16 ranges and the CLI's suppressions.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { diagnosticsByFile } from '../src/lsp/diagnostics';
import { Workspace } from '../src/lsp/workspace';
import { tempDir } from './helpers';
import { workspaceCopy } from './lsp-client';

const t = suite('lsp workspace');

t('an edit re-parses only its buffer; the other files keep their parsed documents', async () => {
  const root = workspaceCopy();
  const ws = new Workspace(root);
  await ws.scan();
  const docsOf = (r: ReturnType<Workspace['lint']>, file: string) =>
    r.model.objects.filter((o) => o.doc.file.absPath === path.join(root, file)).map((o) => o.doc);
  const before = ws.lint();
  const svc = path.join(root, 'service.yaml');
  ws.setBuffer(svc, docsOf(before, 'service.yaml')[0]!.file.text.replace('app: frontend', 'app: web'));
  const after = ws.lint();
  assert.is(
    docsOf(after, 'deployment.yaml')[0],
    docsOf(before, 'deployment.yaml')[0],
    'same parsed document',
  );
  assert.is.not(docsOf(after, 'service.yaml')[0], docsOf(before, 'service.yaml')[0]);
  const codes = (r: ReturnType<Workspace['lint']>) =>
    (diagnosticsByFile(r.findings).get(svc) ?? []).map((d) => d.code);
  assert.ok(codes(before).includes('service-selector-no-match'));
  assert.not.ok(codes(after).includes('service-selector-no-match'));
  // Closing the buffer brings back the file on disk.
  ws.closeBuffer(svc);
  assert.ok(codes(ws.lint()).includes('service-selector-no-match'));
});

t('the nearest config applies: ignored files are not linted, suppressed findings not shown', async () => {
  const root = tempDir();
  mkdirSync(path.join(root, '.git'));
  mkdirSync(path.join(root, 'vendor'));
  writeFileSync(path.join(root, '.kube-netlint.yaml'), 'ignore: ["vendor/**"]\n');
  const bad = 'apiVersion: v1\nkind: Service\nmetadata: {name: web\n';
  writeFileSync(path.join(root, 'vendor', 'bad.yaml'), bad);
  const policy = (comment: string) =>
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n${comment}    - ipBlock: {cidr: 203.0.113.77/24}\n`;
  const file = path.join(root, 'policy.yaml');
  writeFileSync(file, policy(''));
  const ws = new Workspace(root);
  await ws.scan();
  assert.not.ok(ws.lints(path.join(root, 'vendor', 'bad.yaml')));
  let byFile = diagnosticsByFile(ws.lint().findings);
  assert.equal([...byFile.keys()], [file]);
  assert.ok(byFile.get(file)?.some((d) => d.code === 'cidr-not-canonical'));
  ws.setBuffer(file, policy('    # kube-netlint-disable-next-line cidr-not-canonical -- test\n'));
  byFile = diagnosticsByFile(ws.lint().findings);
  assert.not.ok(byFile.get(file)?.some((d) => d.code === 'cidr-not-canonical'));
});

t('ranges count UTF-16 code units, as LSP requires', async () => {
  const root = tempDir();
  const file = path.join(root, 'policy.yaml');
  const line = '    - ipBlock: {x: "😀😀", cidr: 203.0.113.77/24}';
  writeFileSync(
    file,
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n${line}\n`,
  );
  const ws = new Workspace(root);
  await ws.scan();
  const d = diagnosticsByFile(ws.lint().findings)
    .get(file)
    ?.find((x) => x.code === 'cidr-not-canonical');
  // A JavaScript string index is a UTF-16 offset: each emoji counts two.
  assert.equal(d?.range.start, { line: 7, character: line.indexOf('203.0.113.77/24') });
  const at = line.indexOf('203.0.113.77/24');
  assert.is([...line.slice(0, at)].length, at - 2, 'counted in code points it would be 2 less');
});

t.run();
