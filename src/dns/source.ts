import { locate } from '../load/region';
import type { Region } from '../load/types';
import type { Model } from '../model/model';
import type { KObject } from '../model/object';
import { asRecord } from '../util/values';
import { parseCorefile, parseDirectives, tokenize, type Corefile, type Directive } from './corefile';

/** One CoreDNS configuration text found in a ConfigMap. */
export interface CorefileSource {
  object: KObject;
  key: string;
  /**
   * `corefile`: a whole Corefile (`Corefile`, or AKS/k3s `coredns-custom` `*.server` keys, server
   * blocks imported at the top level); `override`: plugin lines imported into the main `.:53` block.
   */
  form: 'corefile' | 'override';
  text: string;
  corefile: Corefile;
  /** For `override`: the plugin lines. */
  directives: Directive[];
  /** Maps a 0-based line and column of `text` to a region of the YAML file. */
  regionAt(line: number, col: number, length: number): Region | undefined;
}

/**
 * Where the lines of a block scalar (`Corefile: |`) start in the file: the value's line k is the file
 * line after the header plus k, indented by the block's indentation. Verified line by line against
 * the file text; undefined for quoted or folded values, whose lines do not map one to one.
 */
function blockScalarMapper(object: KObject, key: string, text: string): CorefileSource['regionAt'] {
  const doc = object.doc;
  const file = doc.file;
  const loc = locate(doc, ['data', key]);
  const header = file.text.slice(loc.start, file.text.indexOf('\n', loc.start) >>> 0);
  if (!/^\|/.test(header)) return () => undefined;
  const headerLine = file.lineCounter.linePos(loc.start).line; // 1-based
  const fileLines = file.text.split('\n');
  const valueLines = text.split('\n');
  let indent = -1;
  for (let k = 0; k < valueLines.length; k++) {
    const v = valueLines[k] as string;
    if (v.trim() === '') continue;
    const src = (fileLines[headerLine + k] ?? '').replace(/\r$/, '');
    const i = src.length - v.length;
    if (i < 0 || src.slice(i) !== v) return () => undefined;
    indent = i;
    break;
  }
  if (indent < 0) return () => undefined;
  return (line, col, length) => {
    const src = (fileLines[headerLine + line] ?? '').replace(/\r$/, '');
    const v = valueLines[line];
    if (v === undefined || src.slice(indent) !== v) return undefined;
    const l = headerLine + line + 1;
    return { startLine: l, startColumn: indent + col + 1, endLine: l, endColumn: indent + col + 1 + length };
  };
}

/** Builds the mapper on first use: only findings need the YAML AST. */
function lazyMapper(object: KObject, key: string, text: string): CorefileSource['regionAt'] {
  let mapper: CorefileSource['regionAt'] | undefined;
  return (line, col, length) => (mapper ??= blockScalarMapper(object, key, text))(line, col, length);
}

function isTemplated(text: string): boolean {
  if (!text.includes('{{') && !text.includes('{%')) return false;
  return tokenize(text).tokens.some((t) => !t.quoted && /\{\{|\{%|\}\}|%\}/.test(t.text));
}

const isCustomKey = (name: string, key: string) =>
  name === 'coredns-custom' && (key.endsWith('.server') || key.endsWith('.override'));

/** Every Corefile the input holds in ConfigMaps: `Corefile` keys and `coredns-custom` imports. */
export function corefileSources(model: Model): CorefileSource[] {
  const out: CorefileSource[] = [];
  for (const cm of model.ofKind('', 'ConfigMap')) {
    const data = asRecord(cm.raw['data']);
    if (!data) continue;
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== 'string') continue;
      if (key !== 'Corefile' && !isCustomKey(cm.name, key)) continue;
      // Helm or Jinja around the Corefile's own structure (loops, conditionals): what CoreDNS reads is
      // known only after rendering. CoreDNS's template plugin writes {{ … }} inside quotes, which is fine.
      if (isTemplated(value)) continue;
      const override = key.endsWith('.override');
      const parsedDirectives = override ? parseDirectives(value) : undefined;
      const corefile: Corefile = parsedDirectives
        ? { blocks: [], errors: parsedDirectives.errors }
        : parseCorefile(value);
      out.push({
        object: cm,
        key,
        form: override ? 'override' : 'corefile',
        text: value,
        corefile,
        directives: parsedDirectives?.directives ?? [],
        regionAt: lazyMapper(cm, key, value),
      });
    }
  }
  return out;
}

/**
 * The server blocks of the cluster DNS Corefiles (ConfigMaps named for coredns in the DNS namespace), snippets
 * left out: what the cluster's own CoreDNS serves.
 */
export function clusterDnsBlocks(
  model: Model,
  dnsNamespace: string,
): { src: CorefileSource; block: Corefile['blocks'][number] }[] {
  return corefileSources(model)
    .filter(
      (src) =>
        src.form === 'corefile' && src.object.namespace === dnsNamespace && /coredns/.test(src.object.name),
    )
    .flatMap((src) => src.corefile.blocks.filter((b) => !b.snippet).map((block) => ({ src, block })));
}
