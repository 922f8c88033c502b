// Regions of a finding come from a parse of its document alone (src/load/doc-spans.ts, #22). They
// must be exactly those of a parse of the whole file: checked here on streams built to stress the
// document markers, and on every multi-document file of the real corpora.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isSeq, parseAllDocuments, visit, type Document, type Node } from 'yaml';
import { documentSpans, itemSpans, shiftRanges } from '../src/load/doc-spans';
import {
  DEFAULT_LIMITS,
  documentAlone,
  listItemAlone,
  makeSourceFile,
  parseSource,
  wholeFileAst,
} from '../src/load/parse';
import { CORPUS, SHARED, sharedAvailable, skipNotice } from './helpers';

const OPTIONS = { version: '1.1', uniqueKeys: false, prettyErrors: false, logLevel: 'error' } as const;

/** Every node's range of a document (or of one node and what it holds), in visiting order. */
function ranges(doc: Document | Node | null | undefined): string[] {
  const out: string[] = [];
  if (!doc) return out;
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

/** Each List item parsed alone and moved has the nodes and ranges of the whole document's parse. */
function itemsAsWhole(text: string, count: number): void {
  const whole = parseAllDocuments(text, OPTIONS);
  assert.ok(Array.isArray(whole) && whole.length === 1);
  const items = (whole[0] as Document).get('items', true);
  assert.ok(isSeq(items));
  const found = itemSpans(text, 0, text.length);
  assert.ok(found, 'split');
  assert.is(found.length, count);
  assert.is(found.length, items.items.length);
  found.forEach((span, i) => {
    const alone = parseAllDocuments(text.slice(span.start, span.end), OPTIONS);
    assert.ok(Array.isArray(alone) && alone.length === 1 && alone[0]!.errors.length === 0, `item ${i}`);
    shiftRanges(alone[0] as Document.Parsed, span.start);
    const seq = alone[0]!.contents;
    assert.ok(isSeq(seq) && seq.items.length === 1);
    assert.equal(ranges(seq.items[0] as Node), ranges(items.items[i] as Node), `ranges of item ${i}`);
  });
}

const item = (name: string, indent: string) =>
  `${indent}- metadata:\n${indent}    name: ${name}\n${indent}  # a comment\n# at column 0\n\n${indent}  data:\n${indent}    text: |\n${indent}      - not an item\n${indent}    list:\n${indent}    - x\n`;

spans('List items: a sequence at column 0, then another key', () =>
  itemsAsWhole(`kind: PodList\napiVersion: v1\nitems:\n${item('a', '')}${item('b', '')}metadata: {}\n`, 2),
);
spans('List items: an indented sequence, comments after the key, CRLF', () =>
  itemsAsWhole(
    `kind: List\nitems: # the items\n${item('a', '  ')}${item('b', '  ')}${item('c', '  ')}`.replace(
      /\n/g,
      '\r\n',
    ),
    3,
  ),
);
spans('List items: flow style and JSON are left to the whole document', () => {
  const flow = 'kind: List\nitems: [{metadata: {name: a}}]\n';
  assert.is(itemSpans(flow, 0, flow.length), undefined);
  const json = '{"kind": "List", "items": [{"metadata": {"name": "a"}}]}';
  assert.is(itemSpans(json, 0, json.length), undefined);
});

spans('listItemAlone: the item, or nothing for an item without a name or of another name', () => {
  const text = `apiVersion: v1\nkind: ServiceList\nitems:\n- metadata: {name: a}\n- metadata: {name: b}\n`;
  const file = makeSourceFile('x.yaml', undefined, text);
  const b = listItemAlone(file, 0, 1, { kind: 'Service', metadata: { name: 'b' } });
  assert.ok(b);
  const whole = wholeFileAst(file, 0, { items: [] });
  assert.equal(ranges(b.getIn(['items', 1], true) as Node), ranges(whole.getIn(['items', 1], true) as Node));
  assert.is(listItemAlone(file, 0, 0, { kind: 'Service', metadata: { name: 'b' } }), undefined);
  assert.is(listItemAlone(file, 0, 0, { kind: 'Service', metadata: {} }), undefined);
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

corpus(
  'every document of a multi-document corpus file, and every List item, has the ranges of the whole-file parse',
  () => {
    const roots = [CORPUS, path.join(SHARED, 'corpus2')].filter((d) => existsSync(d));
    if (!sharedAvailable() || roots.length === 0) {
      skipNotice('doc-spans corpus comparison (../shared/corpus is absent)');
      return;
    }
    let files = 0;
    let compared = 0;
    let items = 0;
    for (const abs of roots.flatMap(yamlFiles)) {
      const text = readFileSync(abs, 'utf8');
      if (!/^(---|items:)/m.test(text)) continue;
      const parsed = parseSource(makeSourceFile(abs, abs, text), DEFAULT_LIMITS);
      if (!parsed.fast || parsed.docs.length < 2) continue;
      if (/^---/m.test(text)) files++;
      for (const d of parsed.docs) {
        if (d.basePath.length) {
          const item = listItemAlone(d.file, d.docIndex, d.basePath[1] as number, d.value);
          if (!item) continue;
          items++;
          const whole = wholeFileAst(d.file, d.docIndex, { items: [] });
          assert.equal(
            ranges(item.getIn(d.basePath, true) as Node),
            ranges(whole.getIn(d.basePath, true) as Node),
            `${abs} #${d.docIndex} ${d.basePath.join('.')}`,
          );
        }
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
    assert.ok(items >= 20, `List items compared: ${items}`);
  },
);

corpus.run();
