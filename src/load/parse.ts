import * as jsyaml from 'js-yaml';
import { decodeText, diskSourceFile, fingerprintOf, makeSourceFile } from './source-file';
import { K3S_CONFIG } from './k3s';
import {
  Document as YamlDocument,
  isMap,
  isSeq,
  Pair,
  Scalar,
  YAMLMap,
  YAMLSeq,
  parseAllDocuments,
  YAMLParseError,
  type Document,
  type YAMLError,
} from 'yaml';
import { asRecord, isRecord, type JsonObject } from '../util/values';
import { regionAtOffset } from './region';
import { documentSpans, itemSpans, shiftRanges, type DocSpan } from './doc-spans';
import type { FieldPath, LoadDiagnostic, ManifestDoc, SourceFile } from './types';
import type { CachedDoc } from './cache';
import { repairGoYamlLeniency } from './repair';
import { hasTemplateMarker, structuralMarkers } from './template';
import { firstInvalidUtf8 } from './utf8';
import { aliasOrHelmReason, FAST_SCHEMA, Yaml11ValueFound } from './yaml11-guard';
import { collectionKeyOffset, duplicateKeyOffset, flowTooDeep, MAX_FLOW_DEPTH } from './yaml-keys';
import { compactValue, internStrings } from './compact';

export { makeSourceFile } from './source-file';

export interface ParseLimits {
  /** Files larger than this are reported and skipped. */
  maxFileBytes: number;
  /** Alias expansions allowed per document; more is treated as an alias bomb. */
  maxAliasCount: number;
  /** Bytes read over all files; the files past it are reported and skipped. */
  maxTotalBytes?: number;
}

// Memory follows the objects kept: 10 MiB of dense manifests took 200 MB. The largest files of the
// corpora are a few MiB (CRD bundles), whole repositories under 5 MiB.
export const DEFAULT_LIMITS: ParseLimits = {
  maxFileBytes: 16 * 1024 * 1024,
  maxAliasCount: 1000,
  maxTotalBytes: 64 * 1024 * 1024,
};

export interface ParsedFile {
  file: SourceFile | undefined;
  docs: ManifestDoc[];
  diagnostics: LoadDiagnostic[];
  /** The fast path read the file: its documents can be cached by content (see cache.ts). */
  fast?: boolean;
}

function diag(
  file: SourceFile,
  offset: number,
  message: string,
  kind: LoadDiagnostic['kind'] = 'parse-error',
): LoadDiagnostic {
  return { kind, file: file.path, absPath: file.absPath, region: regionAtOffset(file, offset), message };
}

function lineOfByte(buf: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (buf[i] === 0x0a) line++;
  return line;
}

function rawDiag(path: string, absPath: string | undefined, line: number, message: string): LoadDiagnostic {
  return {
    kind: 'parse-error',
    file: path,
    absPath,
    region: { startLine: line, startColumn: 1, endLine: line, endColumn: 1 },
    message,
  };
}

/** Decodes bytes into a SourceFile, or explains why the bytes are not a text manifest. */
export function decode(
  buf: Uint8Array,
  path: string,
  absPath: string | undefined,
  limits: ParseLimits,
): { file?: SourceFile; diagnostic?: LoadDiagnostic } {
  if (buf.length > limits.maxFileBytes) {
    const mib = (buf.length / 1048576).toFixed(1);
    const max = (limits.maxFileBytes / 1048576).toFixed(0);
    return {
      diagnostic: rawDiag(path, absPath, 1, `file is ${mib} MiB, over the ${max} MiB limit; skipped`),
    };
  }
  const probe = buf.subarray(0, 8192);
  const nul = probe.indexOf(0);
  if (nul >= 0) {
    return {
      diagnostic: rawDiag(path, absPath, lineOfByte(buf, nul), 'binary file (contains NUL bytes); skipped'),
    };
  }
  const bad = firstInvalidUtf8(buf);
  if (bad >= 0) {
    return {
      diagnostic: rawDiag(
        path,
        absPath,
        lineOfByte(buf, bad),
        `invalid UTF-8 at byte ${bad}; Kubernetes manifests must be UTF-8. File skipped`,
      ),
    };
  }
  const text = decodeText(buf);
  // A file on disk keeps what tells a later read whether it still holds these bytes (source-file.ts).
  return {
    file:
      absPath === undefined
        ? makeSourceFile(path, absPath, text)
        : diskSourceFile(path, absPath, text, fingerprintOf(buf, text)),
  };
}

/**
 * Where to point for a parse error. An unclosed quote is detected at the end of the document; the
 * user needs the quote that opened it, the last one that starts a scalar.
 */
function errorOffset(text: string, error: YAMLError): number {
  const at = error.pos[0];
  const quote = /Missing closing (["'])quote/.exec(error.message)?.[1];
  if (error.code !== 'MISSING_CHAR' || !quote) return at;
  const opener = new RegExp(`(?:^|[\\s\\[{,:-])${quote}`, 'g');
  let found = -1;
  for (let m = opener.exec(text); m && m.index < at; m = opener.exec(text)) found = m.index + m[0].length - 1;
  return found >= 0 ? found : at;
}

function describeYamlError(text: string, error: YAMLError): string {
  if (error.code === 'DUPLICATE_KEY') {
    const key = /^[^\s:#]+|^"[^"]*"|^'[^']*'/.exec(text.slice(error.pos[0]))?.[0];
    return (
      `duplicate key${key ? ` '${key}'` : ''}: kubectl rejects the document (mapping key already defined), ` +
      `and tools that accept it disagree on which value wins. Keep one`
    );
  }
  const first = error.message.split('\n')[0] ?? error.message;
  // yaml's messages end with " at line L, column C"; the region carries the position.
  return `YAML syntax error: ${first.replace(/ at line \d+, column \d+:?$/, '').trim()}`;
}

/**
 * Items of a typed list (PodList, NamespaceList, as `kubectl get -o json` and the API return them)
 * carry no kind or apiVersion of their own: they take the list's.
 */
function listItems(list: JsonObject): unknown[] {
  const items = list['items'];
  if (!Array.isArray(items)) return [];
  const kind = list['kind'] as string;
  if (kind === 'List') return items;
  const itemKind = kind.slice(0, -'List'.length);
  return items.map((item) =>
    isRecord(item) && item['kind'] === undefined
      ? { apiVersion: list['apiVersion'], kind: itemKind, ...item }
      : item,
  );
}

function isManifest(value: unknown): value is JsonObject {
  return isRecord(value) && typeof value['kind'] === 'string' && typeof value['apiVersion'] === 'string';
}

/** The file names `kustomize build` looks for in a folder. */
const KUSTOMIZATION_FILE = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

/**
 * kustomize reads `kustomization.yaml` whether or not it says `apiVersion`/`kind` (kubebuilder and
 * OperatorSDK layouts omit both). Without them it is still a Kustomization: its patches are
 * patches and its `namespace:` applies to what it lists (see kustomize.ts).
 */
function withKustomizationIdentity(value: unknown, file: SourceFile): unknown {
  if (!isRecord(value) || value['kind'] !== undefined) return value;
  const role = nameRole(file);
  if (role === 'kustomization')
    return { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...value };
  if (role.startsWith('k3s:') && K3S_KEYS.some((k) => Object.hasOwn(value, k)))
    return {
      apiVersion: `${K3S_CONFIG.group}/${K3S_CONFIG.version}`,
      kind: K3S_CONFIG.kind,
      metadata: { name: role.slice('k3s:'.length) },
      ...value,
    };
  return value;
}

/**
 * k3s reads its flags from /etc/rancher/k3s/config.yaml (and config.yaml.d/*.yaml) as a plain mapping of
 * flag names (docs.k3s.io, "Configuration File"). In a repository such a file sits under a k3s or rancher
 * folder, or is named for k3s (k3s-server.yaml); when it states networking flags it describes the
 * cluster, and is read as a K3sConfig.
 */
const K3S_PATH = /(^|\/)(k3s|rancher)([-_.][^/]*)?(\/.*)?\.ya?ml$/i;
const K3S_KEYS = ['cluster-dns', 'cluster-domain', 'cluster-cidr', 'service-cidr'];

/** A `kind:` or `apiVersion:` key (YAML or JSON): the text means to hold Kubernetes objects. */
const NAMES_KIND = /^[ \t]*(?:- )?["']?(?:kind|apiVersion)["']?[ \t]*:/m;

/**
 * A marker on the line where the parse failed: a Go template inside a quoted value that itself
 * holds quotes (`"{{trimSuffix .Target "."}}"`) breaks the quoting, so it is structure after all.
 */
function markerOnLineOf(text: string, offset: number): boolean {
  const from = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  let to = text.indexOf('\n', offset);
  if (to < 0) to = text.length;
  const line = text.slice(from, to);
  // `${VAR}` is substituted in the text before parsing (Flux, envsubst): in a flow mapping it breaks
  // the YAML only until then.
  // `{IPv6}`-style words are a test harness's string replacement (linkerd's testdata): the same.
  return hasTemplateMarker(line) || line.includes('${') || /\{[A-Za-z_][\w.-]*\}[^\s,}\]]/.test(line);
}

/**
 * The file's manifests when the fast path can read it, else undefined (the full parse must). The
 * parse workers ask only this: a file they cannot read fast is parsed once, on the main thread.
 */
export function parseFastOnly(file: SourceFile): ManifestDoc[] | undefined {
  // Template markers are data unless they sit where YAML structure is (see template.ts); only the
  // full parse tells which documents they break.
  return hasTemplateMarker(file.text) ? undefined : fastParse(file);
}

/** Parses every YAML document of a file into manifests. Never throws. */
export function parseSource(file: SourceFile, limits: ParseLimits): ParsedFile {
  const docs: ManifestDoc[] = [];
  const diagnostics: LoadDiagnostic[] = [];
  const fast = parseFastOnly(file);
  if (fast) return { file, docs: fast, diagnostics, fast: true };
  const templated = hasTemplateMarker(file.text);
  if (flowTooDeep(file.text)) {
    diagnostics.push(
      diag(
        file,
        0,
        `cannot parse YAML: flow collections nested more than ${MAX_FLOW_DEPTH} levels deep; skipped`,
      ),
    );
    return { file, docs, diagnostics };
  }
  let parsed = parseDocuments(file, diagnostics);
  if (parsed === undefined) return { file, docs, diagnostics };
  if (parsed.some((d) => d.errors.length > 0) && (errorCounts.get(parsed) ?? 0) <= MAX_ERRORS_TO_REPAIR) {
    const repaired = repairGoYamlLeniency(file.text);
    if (repaired !== undefined) {
      const retryFile = makeSourceFile(file.path, file.absPath, repaired);
      const retry = parseDocuments(retryFile, []);
      if (
        retry &&
        retry.filter((d) => d.errors.length).length < parsed.filter((d) => d.errors.length).length
      ) {
        // Re-indented lines moved: the file is the repaired text from here on.
        Object.assign(file, { text: retryFile.text });
        parsed = retry;
      }
    }
  }
  const substitute = file.text.includes('${');
  const markers = templated ? structuralMarkers(file.text, Number.MAX_SAFE_INTEGER) : [];
  let templateAt: number | undefined;
  let nextMarker = 0; // documents come in text order, so do the markers
  const mayHaveCollectionKeys = /[{[?*]/.test(file.text); // flow, explicit or alias keys
  const namesKind = NAMES_KIND.test(file.text);
  parsed.forEach((yamlDoc, docIndex) => {
    const [start, , end] = yamlDoc.range;
    const error = yamlDoc.errors[0];
    const keyAt = error || !mayHaveCollectionKeys ? undefined : collectionKeyOffset(yamlDoc);
    if (error || keyAt !== undefined) {
      while (nextMarker < markers.length && (markers[nextMarker] as number) < start) nextMarker++;
      const marker = markers[nextMarker];
      const inDoc = marker !== undefined && marker < end ? marker : undefined;
      if (inDoc !== undefined || (error && markerOnLineOf(file.text, error.pos[0]))) {
        templateAt ??= inDoc ?? (error as YAMLError).pos[0];
        return;
      }
      // A file that names no kind anywhere is not a manifest (an editor's settings, an Ansible play):
      // skipped silently. One that does is applied whole, and kubectl rejects it for this document.
      if (!namesKind) return;
      diagnostics.push(
        error
          ? diag(file, errorOffset(file.text, error), describeYamlError(file.text, error))
          : diag(
              file,
              keyAt as number,
              'a mapping key is itself a mapping or a list: Kubernetes accepts only scalar keys and rejects the ' +
                'document (Unsupported map key). Document skipped',
            ),
      );
      return;
    }
    let value: unknown;
    try {
      value = yamlDoc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (e) {
      const offset = yamlDoc.range[0];
      const msg = describe(e);
      // yaml's alias-bomb guard (resource exhaustion); other errors, such as a merge key whose value
      // is not a mapping (`<<: 5`, which go-yaml rejects too), are reported as they are.
      const text = /excessive alias count/i.test(msg)
        ? `too many alias expansions (more than ${limits.maxAliasCount}): possible alias bomb; document skipped`
        : `cannot read YAML document: ${msg}`;
      diagnostics.push(diag(file, offset, text));
      return;
    }
    value = withKustomizationIdentity(value, file);
    if (!isManifest(value)) return; // CI workflows, compose files, Helm values: not ours.
    const renderedFrom = helmSource(file.text, yamlDoc);
    const kind = value['kind'] as string;
    const items = Array.isArray(value['items']) ? listItems(value) : undefined;
    // The AST is not kept: like the fast path's, it is built again from the text when a finding
    // needs a region (astOf). Kept, the ASTs of the files that took this path were most of the heap
    // on the corpora (a yaml node per scalar, pair and map; issue #22).
    const push = (basePath: FieldPath, kept: JsonObject): void => {
      const doc = fastDoc(file, docIndex, basePath, kept);
      if (renderedFrom) doc.renderedFrom = renderedFrom;
      docs.push(doc);
    };
    if (kind.endsWith('List') && Array.isArray(items)) {
      items.forEach((item, i) => {
        if (isManifest(item)) push(['items', i], compactValue(item, substitute));
      });
      return;
    }
    push(TOP_LEVEL, compactValue(value, substitute));
  });
  if (templateAt !== undefined) {
    diagnostics.push(
      diag(
        file,
        templateAt,
        'template syntax ({{ … }}) where YAML structure is: this looks like a Helm, Go or Jinja template, not a ' +
          'manifest. Skipped; lint the rendered output instead: helm template RELEASE CHART | kube-netlint -',
        'helm-template',
      ),
    );
  }
  return { file, docs, diagnostics };
}

const HELM_SOURCE = /^#\s*Source:\s*(\S+)\s*$/m;

/**
 * The chart template `helm template` names in a `# Source:` comment before the document. Helm
 * writes `chart/templates/x.yaml`, relative; an absolute path or one that climbs out with `..` is
 * not Helm's, and findings must not point there (`# Source: /etc/passwd`).
 */
function helmSource(text: string, doc: Document): string | undefined {
  const contents = doc.contents as { range?: [number, number, number] } | null;
  const start = doc.range?.[0] ?? 0;
  const head = text.slice(start, contents?.range?.[0] ?? doc.range?.[1] ?? start);
  const source = HELM_SOURCE.exec(head)?.[1];
  if (source === undefined || /^([/\\]|[A-Za-z]:)/.test(source)) return undefined;
  if (source.split(/[/\\]/).includes('..')) return undefined;
  return source;
}

/**
 * A key that may be a collection: an explicit `? ` key, or a flow collection followed by `:`.
 * js-yaml would silently turn it into a string; the full parse reports it (see yaml-keys).
 */
const EXPLICIT_KEY = /^[ \t-]*\?(?:[ \t]|$)/m;
const FLOW_KEY = /[\]}][ \t]*:(?:[ \t]|$)/;

/** Two patterns, each tried only where it can match: `^` with the `m` flag tries every position. */
function mayHaveCollectionKey(text: string): boolean {
  return (text.includes('?') && EXPLICIT_KEY.test(text)) || FLOW_KEY.test(text);
}

/**
 * js-yaml's values of every document of the text, or why the text needs the full parse: a
 * construct YAML 1.1 reads differently (found while reading, see FAST_SCHEMA), an alias, Helm's
 * `# Source:`, a possible collection key, or anything js-yaml refuses.
 */
function fastValues(text: string): { values: unknown[] } | { reason: string } {
  const reason =
    aliasOrHelmReason(text) ?? (mayHaveCollectionKey(text) ? 'possible collection key' : undefined);
  if (reason !== undefined) return { reason };
  try {
    return { values: jsyaml.loadAll(text, undefined, { json: false, schema: FAST_SCHEMA }) };
  } catch (e) {
    return { reason: e instanceof Yaml11ValueFound ? 'YAML 1.1 value' : 'js-yaml error' };
  }
}

/** Why parseSource takes the slow full parse for this text, or undefined when the fast path holds (the benchmark prints it, issue #22). */
export function slowPathReason(text: string): string | undefined {
  if (hasTemplateMarker(text)) return 'template marker';
  const fast = fastValues(text);
  return 'reason' in fast ? fast.reason : undefined;
}

const PARSE_OPTIONS = {
  version: '1.1',
  uniqueKeys: false,
  prettyErrors: false,
  logLevel: 'error',
} as const;

/** yaml ASTs of a whole file, built on first use by a region lookup that could not parse one document; cached per file. */
const asts = new WeakMap<SourceFile, Document.Parsed[]>();

/** Per file: its document spans (undefined: not split), the documents and List items parsed alone so far. */
interface AloneEntry {
  spans: DocSpan[] | undefined;
  docs: Map<number, Document.Parsed | undefined>;
  /** By document: the spans of its List items (undefined: not split). */
  items: Map<number, DocSpan[] | undefined>;
  /** By `document/item`. */
  itemDocs: Map<string, Document | undefined>;
}

const docAsts = new WeakMap<SourceFile, AloneEntry>();

function aloneEntry(file: SourceFile): AloneEntry {
  let entry = docAsts.get(file);
  if (!entry) {
    entry = { spans: documentSpans(file.text), docs: new Map(), items: new Map(), itemDocs: new Map() };
    docAsts.set(file, entry);
  }
  return entry;
}

/** Is this the document of the value (a List: a document with items)? */
function sameDocument(d: Document | undefined, value: JsonObject): d is Document {
  if (d === undefined) return false;
  if (value['items'] !== undefined) return isSeq(d.get('items', true));
  return (
    String(d.get('kind')) === String(value['kind']) &&
    String(d.getIn(['metadata', 'name'])) === String(asRecord(value['metadata'])?.['name'])
  );
}

/**
 * The document alone, parsed from its own span of the text with its ranges moved to where they are
 * in the file: a finding's region costs the parse of its document, not of its whole file (a CRD
 * bundle of a few MiB, #22). Undefined when that parse is not certain to equal the whole file's
 * (directives, an error, not exactly one document, another object): the caller parses the whole file.
 */
export function documentAlone(file: SourceFile, docIndex: number, value: JsonObject): Document | undefined {
  const entry = aloneEntry(file);
  if (entry.docs.has(docIndex)) return entry.docs.get(docIndex);
  const span = entry.spans?.[docIndex];
  let doc: Document.Parsed | undefined;
  if (span) {
    const all = parseAllDocuments(file.text.slice(span.start, span.end), PARSE_OPTIONS);
    const only = Array.isArray(all) && all.length === 1 ? all[0] : undefined;
    if (only && only.errors.length === 0 && sameDocument(only, value)) {
      shiftRanges(only, span.start);
      doc = only;
    }
  }
  entry.docs.set(docIndex, doc);
  return doc;
}

/**
 * One item of a List alone (a `kubectl get -o yaml` dump holds hundreds in one document), parsed
 * from its own lines and set in a document of its own shape (`items[index]`, the other items left
 * out), its ranges those of the file. Undefined when that is not certain to be the same item as in
 * the whole parse: not a block sequence under `items:`, an error, not exactly one entry, or another
 * name, namespace or kind (an item without a name is left to the whole document).
 */
export function listItemAlone(
  file: SourceFile,
  docIndex: number,
  index: number,
  item: JsonObject,
): Document | undefined {
  const meta = asRecord(item['metadata']);
  if (typeof meta?.['name'] !== 'string') return undefined;
  const entry = aloneEntry(file);
  const key = `${docIndex}/${index}`;
  if (entry.itemDocs.has(key)) return entry.itemDocs.get(key);
  const doc = entry.spans?.[docIndex];
  if (doc && !entry.items.has(docIndex)) entry.items.set(docIndex, itemSpans(file.text, doc.start, doc.end));
  const span = entry.items.get(docIndex)?.[index];
  let out: Document | undefined;
  if (span) {
    const all = parseAllDocuments(file.text.slice(span.start, span.end), PARSE_OPTIONS);
    const only = Array.isArray(all) && all.length === 1 ? all[0] : undefined;
    const seq = only?.contents;
    const node = isSeq(seq) && seq.items.length === 1 ? seq.items[0] : undefined;
    if (only && only.errors.length === 0 && isMap(node) && sameItem(node, item)) {
      shiftRanges(only, span.start);
      out = itemDocument(node, index);
    }
  }
  entry.itemDocs.set(key, out);
  return out;
}

function sameItem(node: YAMLMap, item: JsonObject): boolean {
  const meta = asRecord(item['metadata']);
  const kind = node.get('kind');
  return (
    String(node.getIn(['metadata', 'name'])) === String(meta?.['name']) &&
    String(node.getIn(['metadata', 'namespace'])) === String(meta?.['namespace']) &&
    (kind === undefined || String(kind) === String(item['kind']))
  );
}

/** A document `{items: [..., node]}` with node at `index`: what locate and getIn walk through for a List item. */
function itemDocument(node: YAMLMap, index: number): Document {
  const seq = new YAMLSeq();
  seq.items[index] = node;
  seq.range = node.range;
  const root = new YAMLMap();
  root.items.push(new Pair(new Scalar('items'), seq));
  root.range = node.range;
  const doc = new YamlDocument();
  doc.contents = root;
  return doc;
}

function astOf(file: SourceFile, docIndex: number, basePath: FieldPath, value: JsonObject): Document {
  const index = basePath[1];
  if (basePath.length === 2 && basePath[0] === 'items' && typeof index === 'number') {
    const item = listItemAlone(file, docIndex, index, value);
    if (item) return item;
  }
  const docValue = basePath.length ? LIST_DOCUMENT : value;
  return documentAlone(file, docIndex, docValue) ?? wholeFileAst(file, docIndex, docValue);
}

/** The document from a parse of the whole file, as regions were found before documentAlone (exported for its test). */
export function wholeFileAst(file: SourceFile, docIndex: number, value: JsonObject): Document {
  let list = asts.get(file);
  if (!list) {
    const all = parseAllDocuments(file.text, PARSE_OPTIONS);
    list = Array.isArray(all) ? all : [];
    asts.set(file, list);
  }
  // The two parsers agree on document order (checked on the whole corpus); should they ever not,
  // find the document by kind and name rather than point at the wrong one.
  const same = (d: Document | undefined) =>
    d !== undefined &&
    String(d.get('kind')) === String(value['kind']) &&
    String(d.getIn(['metadata', 'name'])) === String(asRecord(value['metadata'])?.['name']);
  const at = list[docIndex];
  if (same(at) || value['items'] !== undefined) return at ?? new YamlDocument();
  return list.find(same) ?? at ?? new YamlDocument();
}

/**
 * The fast path: js-yaml builds the values several times faster than the yaml package builds its
 * AST, and most documents never need positions. Only when a rule reports on a document is its AST
 * built (see astOf). Any doubt (an error, a construct js-yaml reads differently) falls back to the
 * full parse, which also produces the diagnostics.
 */
function fastParse(file: SourceFile): ManifestDoc[] | undefined {
  const fast = fastValues(file.text);
  if ('reason' in fast) return undefined;
  const docs: ManifestDoc[] = [];
  const substitute = file.text.includes('${');
  fast.values.forEach((read, docIndex) => {
    const value = withKustomizationIdentity(read, file);
    if (!isManifest(value)) return;
    const kind = value['kind'] as string;
    const items = Array.isArray(value['items']) ? listItems(value) : undefined;
    if (kind.endsWith('List') && Array.isArray(items)) {
      items.forEach((item, i) => {
        if (isManifest(item))
          docs.push(fastDoc(file, docIndex, ['items', i], compactValue(item, substitute)));
      });
    } else docs.push(fastDoc(file, docIndex, TOP_LEVEL, compactValue(value, substitute)));
  });
  return docs;
}

/** The basePath of a document that is not in a List: one shared empty path. */
const TOP_LEVEL: FieldPath = Object.freeze([]);

/** A List stands in for the items of its document when astOf checks it found the right document. */
const LIST_DOCUMENT: JsonObject = { items: [] };

/**
 * A document with its AST built on first use (either path). A class rather than an object with
 * an `ast` closure: the method is shared, where a closure and its context cost about 100 bytes per
 * document (5 MB at 50k documents).
 */
class FastDoc implements ManifestDoc {
  constructor(
    public file: SourceFile,
    public docIndex: number,
    public basePath: FieldPath,
    public value: JsonObject,
  ) {}

  ast(): Document {
    return astOf(this.file, this.docIndex, this.basePath, this.value);
  }
}

function fastDoc(file: SourceFile, docIndex: number, basePath: FieldPath, value: JsonObject): ManifestDoc {
  return new FastDoc(file, docIndex, basePath, value);
}

/**
 * What the file's name makes of a document without kind (part of its cache key): 'kustomization' (kustomize
 * reads it as a Kustomization), 'k3s:<file name>' (a k3s configuration file), or ''.
 */
export function nameRole(file: Pick<SourceFile, 'path' | 'absPath'>): string {
  const path = file.absPath ?? file.path;
  if (KUSTOMIZATION_FILE.test(path)) return 'kustomization';
  if (K3S_PATH.test(path)) return `k3s:${path.replace(/^.*\//, '')}`;
  return '';
}

/** The documents of a file the fast path read in an earlier run (see cache.ts). */
export function docsFromCache(file: SourceFile, cached: readonly CachedDoc[]): ManifestDoc[] {
  // Deserialized strings are fresh copies: pooled like those of a parse.
  return cached.map((d) => fastDoc(file, d.docIndex, d.basePath, internStrings(d.value)));
}

/**
 * The go-yaml leniencies the repair pass handles cost one error per affected line, a few in a real
 * manifest. A file with more errors than this is not one of them, and a second parse of it would
 * only double the time (a hostile 1 MB file held 180,000 errors and took seconds per parse).
 */
const MAX_ERRORS_TO_REPAIR = 1000;
/** How many errors each parse found, before parseDocuments kept only the first of each document. */
const errorCounts = new WeakMap<Document.Parsed[], number>();

function parseDocuments(file: SourceFile, diagnostics: LoadDiagnostic[]): Document.Parsed[] | undefined {
  try {
    // YAML 1.1 is what Kubernetes' own decoder (go-yaml via sigs.k8s.io/yaml) speaks: merge keys
    // (`<<`), `yes`/`no` booleans. Duplicate keys are errors, as `kubectl apply` rejects them.
    // Duplicate keys are found by duplicateKeyOffset, in linear time (yaml's own check is quadratic).
    const all = parseAllDocuments(file.text, {
      version: '1.1',
      uniqueKeys: false,
      prettyErrors: false,
      logLevel: 'error',
    });
    const docs = Array.isArray(all) ? all : [];
    for (const d of docs) {
      const dup = duplicateKeyOffset(d, true);
      if (dup === undefined) continue;
      d.errors.push(new YAMLParseError([dup, dup + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
      d.errors.sort((a, b) => a.pos[0] - b.pos[0]);
    }
    errorCounts.set(
      docs,
      docs.reduce((n, d) => n + d.errors.length, 0),
    );
    // Only the first error of a broken document is reported, and nothing else of it is read. A
    // hostile 1 MB file can hold 180,000 errors and their nodes: let them go before any retry.
    for (const d of docs) {
      if (d.errors.length === 0) continue;
      d.errors.length = 1;
      d.warnings.length = 0;
      d.contents = null;
    }
    return docs;
  } catch (e) {
    // Deeply nested input can exhaust the parser's stack; that is bad input, not our crash.
    diagnostics.push(diag(file, 0, `cannot parse YAML: ${describe(e)}`));
    return undefined;
  }
}

function describe(e: unknown): string {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'document is nested too deeply';
  if (e instanceof Error) return e.message.split('\n')[0] ?? e.name;
  return String(e);
}
