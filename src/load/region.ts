import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { FieldPath, ManifestDoc, Region, SourceFile } from './types';

/** Where a file that changed since it was parsed is pointed at: its first line, never a wrong place. */
const FIRST_LINE: Region = { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 };

/** Converts a [start, end) character range of a file into a 1-based region. */
export function regionFromRange(file: SourceFile, start: number, end: number): Region {
  if (file.textChanged) return { ...FIRST_LINE };
  const a = file.lineCounter.linePos(start);
  const b = file.lineCounter.linePos(Math.max(start, end));
  return { startLine: a.line, startColumn: a.col, endLine: b.line, endColumn: b.col };
}

/** The region of a whole line, for diagnostics that only know an offset. */
export function regionAtOffset(file: SourceFile, offset: number): Region {
  if (file.textChanged) return { ...FIRST_LINE };
  const pos = file.lineCounter.linePos(offset);
  return { startLine: pos.line, startColumn: pos.col, endLine: pos.line, endColumn: pos.col + 1 };
}

interface Located {
  start: number;
  end: number;
  /** How many steps of the requested path were found. */
  depth: number;
}

function resolveAlias(doc: Document, node: unknown): unknown {
  // An alias points at its anchor; findings about aliased content point at the alias itself, but
  // deeper steps of the path continue inside the anchored node.
  return isAlias(node) ? node.resolve(doc) : node;
}

function nodeRange(node: Node | null | undefined): [number, number] | undefined {
  const r = node?.range;
  return r ? [r[0], r[1]] : undefined;
}

/**
 * Finds the source range of a field. For a scalar value the range is the value itself; for a block
 * map or sequence it runs from the key to the end of the value, so that the region (and a
 * `disable-next-line` comment above it) starts on the line that names the field. When the path does
 * not exist the deepest existing ancestor is returned: a finding about a missing field points at
 * the object that lacks it.
 */
export function locate(doc: ManifestDoc, path: FieldPath): Located {
  const full = [...doc.basePath, ...path];
  const ast = doc.ast();
  let node: unknown = ast.contents;
  let best: Located | undefined;
  const root = nodeRange(ast.contents as Node | null);
  if (root) best = { start: root[0], end: root[1], depth: 0 };
  for (let i = 0; i < full.length; i++) {
    const step = full[i] as string | number;
    node = resolveAlias(ast, node);
    let keyStart: number | undefined;
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step),
      );
      if (!pair) break;
      keyStart = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      next = pair.value;
      if (next === null || next === undefined) {
        // `key:` with no value: point at the key.
        const kr = nodeRange(pair.key as Node);
        if (kr) best = { start: kr[0], end: kr[1], depth: i + 1 - doc.basePath.length };
        node = undefined;
        break;
      }
    } else if (isSeq(node) && typeof step === 'number') {
      next = node.items[step];
      if (next === undefined) break;
    } else break;
    const r = nodeRange(next as Node);
    if (!r) break;
    const collection = isMap(resolveAlias(ast, next)) || isSeq(resolveAlias(ast, next));
    const flow = collection && (next as { flow?: boolean }).flow === true;
    const start = collection && !flow && keyStart !== undefined ? keyStart : r[0];
    best = { start, end: r[1], depth: Math.max(0, i + 1 - doc.basePath.length) };
    node = next;
  }
  return best ?? { start: 0, end: 0, depth: 0 };
}

export function regionOf(doc: ManifestDoc, path: FieldPath): Region {
  // The text was let go after parsing and the file changed since: no offset of it means anything.
  if (doc.file.textChanged) return { ...FIRST_LINE };
  const loc = locate(doc, path);
  let end = loc.end;
  // Trailing newlines belong to block collections' ranges; regions end at the last character.
  const text = doc.file.text;
  while (end > loc.start && (text[end - 1] === '\n' || text[end - 1] === '\r' || text[end - 1] === ' '))
    end--;
  return regionFromRange(doc.file, loc.start, end);
}
