// Regions of a finding come from a parse of its document alone (src/load/doc-spans.ts, #22). They
// must be exactly those of a parse of the whole file: checked here on streams built to stress the
// document markers, and on every multi-document file of the real corpora.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments, visit, type Document } from 'yaml';
import { documentSpans, shiftRanges } from '../src/load/doc-spans';
import { DEFAULT_LIMITS, documentAlone, makeSourceFile, parseSource, wholeFileAst } from '../src/load/parse';
import { CORPUS, SHARED, sharedAvailable, skipNotice } from './helpers';

const OPTIONS = { version: '1.1', uniqueKeys: false, prettyErrors: false, logLevel: 'error' } as const;

/** Every node's range of a document, in visiting order. */
function ranges(doc: Document): string[] {
  const out: string[] = [];
  visit(doc, {
    Node(_k, node) {
      out.push(`${node.constructor.name}:${node.range?.join(',') ?? '-'}`);
    },
  });
  return out;
}

/** Each span parsed alone and moved gives the same nodes and ranges as the whole stream's parse. */
function sameAsWhole(text: string): void {
  const whole = parseAllDocuments(text, OPTIONS);
  assert.ok(Array.isArray(whole));
  const spans = documentSpans(text);
  assert.ok(spans, 'split');
  assert.is(spans.length, whole.length, `documents of ${JSON.stringify(text)}`);
  spans.forEach((span, i) => {
    const alone = parseAllDocuments(text.slice(span.start, span.end), OPTIONS);
    assert.ok(Array.isArray(alone) && alone.length === 1, `one document in span ${i}`);
    const doc = alone[0] as Document.Parsed;
    shiftRanges(doc, span.start);
    assert.equal(ranges(doc), ranges(whole[i] as Document), `ranges of document ${i}`);
  });
}

const spans = suite('doc-spans: documents split at their markers');

spans('one document, no markers', () => sameAsWhole('kind: A\nmetadata:\n  name: a\n'));
spans('leading marker and comments before it', () => sameAsWhole('# head\n\n---\nkind: A\n---\nkind: B\n'));
spans('comments between documents and a trailing marker', () =>
  sameAsWhole('kind: A\n# about B\n---\n# inside B\nkind: B\n---\n'),
);
spans('empty documents between markers', () => sameAsWhole('---\n---\nkind: A\n---\n\n---\nkind: B\n'));
spans('document end marker, then a document without a start marker', () =>
  sameAsWhole('kind: A\n...\n# next\nkind: B\n...\n---\nkind: C\n'),
);
spans('content on the marker line, block scalars, markers in names', () =>
  sameAsWhole(
    '--- {kind: A}\n--- |\n  text\n  ---\n---\nkind: B\nname: ----x\ndata: |\n  ... not an end\n----: x\n',
  ),
);
spans('CRLF line endings and a marker at the very end', () =>
  sameAsWhole('kind: A\r\n---\r\nkind: B\r\n---'),
);
spans('a marker followed by a tab', () => sameAsWhole('kind: A\n---\tx\n'));
spans('directives are left to the whole parse', () => {
  assert.is(documentSpans('%YAML 1.1\n---\nkind: A\n'), undefined);
  assert.is(documentSpans('kind: A\n...\n%TAG ! tag:x,2000:\n---\nkind: B\n'), undefined);
});

spans('documentAlone: the document of the file, or nothing when the span holds another object', () => {
  const text = 'kind: A\nmetadata:\n  name: a\n---\nkind: B\nmetadata:\n  name: b\n';
  const file = makeSourceFile('x.yaml', undefined, text);
  const b = documentAlone(file, 1, { kind: 'B', metadata: { name: 'b' } });
  assert.ok(b);
  assert.equal(ranges(b), ranges(wholeFileAst(file, 1, { kind: 'B', metadata: { name: 'b' } })));
  assert.is(documentAlone(file, 0, { kind: 'B', metadata: { name: 'b' } }), undefined);
});

spans.run();

/** Manifest files under a folder (YAML only, the corpora hold nothing else of interest here). */
function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

const corpus = suite('doc-spans: regions on the real corpora');

corpus('every document of a multi-document corpus file has the ranges of the whole-file parse', () => {
  const roots = [CORPUS, path.join(SHARED, 'corpus2')].filter((d) => existsSync(d));
  if (!sharedAvailable() || roots.length === 0) {
    skipNotice('doc-spans corpus comparison (../shared/corpus is absent)');
    return;
  }
  let files = 0;
  let compared = 0;
  for (const abs of roots.flatMap(yamlFiles)) {
    const text = readFileSync(abs, 'utf8');
    if (!/^---/m.test(text)) continue;
    const parsed = parseSource(makeSourceFile(abs, abs, text), DEFAULT_LIMITS);
    if (!parsed.fast || parsed.docs.length < 2) continue;
    files++;
    for (const d of parsed.docs) {
      const value = d.basePath.length ? { items: [] } : d.value;
      const alone = documentAlone(d.file, d.docIndex, value);
      if (!alone) continue;
      compared++;
      assert.equal(ranges(alone), ranges(wholeFileAst(d.file, d.docIndex, value)), `${abs} #${d.docIndex}`);
    }
  }
  // The corpora hold hundreds of such files; fewer means the split fell back to the whole parse.
  assert.ok(files >= 20, `multi-document files: ${files}`);
  assert.ok(compared >= 200, `documents compared: ${compared}`);
});

corpus.run();
