import { visit, type Document } from 'yaml';

/** Where one YAML document of a stream lies in the text: [start, end). */
export interface DocSpan {
  start: number;
  end: number;
}

/** A document marker (`---` or `...`) at `at` when a space, tab, line break or the end follows it. */
function markerAt(text: string, at: number, marker: string): boolean {
  if (!text.startsWith(marker, at)) return false;
  const after = text.charCodeAt(at + 3);
  return Number.isNaN(after) || after === 0x20 || after === 0x09 || after === 0x0a || after === 0x0d;
}

/** A line holding nothing but spaces, tabs and perhaps a comment. */
function blankOrComment(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) continue;
    return c === 0x23; // '#'
  }
  return true;
}

/**
 * The spans of the documents of a YAML stream, in order, found from the document markers alone, as
 * YAML 1.2 defines them (§9.1, §9.2): `---` at the start of a line (followed by white space or
 * the end) starts a document, `...` at the start of a line ends one, and a document without `---`
 * starts at the first line holding content outside any document. A marker at column 0 is always a
 * marker, even where a scalar seems to continue (c-forbidden), so no other parsing is needed.
 * Comments between documents go with the document before them; comments before a document that
 * follows `...` (or begins the stream) go with it.
 *
 * Streams with directives (`%YAML`, `%TAG`) are not split here (undefined): their scope rules are
 * the one place where a document depends on text outside its markers.
 */
export function documentSpans(text: string): DocSpan[] | undefined {
  if (text.startsWith('%') || text.includes('\n%')) return undefined;
  const spans: DocSpan[] = [];
  let open: number | undefined; // start of the current document's span
  let pending = 0; // where the next document's span begins when nothing is open
  let pos = 0;
  while (pos < text.length) {
    const eol = text.indexOf('\n', pos);
    const next = eol < 0 ? text.length : eol + 1;
    if (markerAt(text, pos, '---')) {
      if (open !== undefined) spans.push({ start: open, end: pos });
      open = open === undefined ? pending : pos;
    } else if (markerAt(text, pos, '...')) {
      if (open !== undefined) spans.push({ start: open, end: next });
      open = undefined;
      pending = next;
    } else if (open === undefined && !blankOrComment(text, pos, next)) {
      open = pending;
    }
    pos = next;
  }
  if (open !== undefined) spans.push({ start: open, end: text.length });
  return spans;
}

/**
 * Moves every source range of a document parsed from a slice of a file by the slice's offset, so
 * that it reads as if parsed from the whole file. Ranges are replaced, not changed in place.
 */
export function shiftRanges(doc: Document.Parsed, by: number): void {
  if (by === 0) return;
  const moved = (r: readonly [number, number, number]): [number, number, number] => [
    r[0] + by,
    r[1] + by,
    r[2] + by,
  ];
  doc.range = moved(doc.range);
  visit(doc, {
    Node(_key, node) {
      if (node.range) node.range = moved(node.range);
    },
  });
}

/** Spaces at the start of the line at `at`. */
function indentAt(text: string, at: number): number {
  let i = at;
  while (text.charCodeAt(i) === 0x20) i++;
  return i - at;
}

/** An entry of a block sequence starts at `at`: `-` followed by white space or the line's end. */
function entryAt(text: string, at: number): boolean {
  if (text.charCodeAt(at) !== 0x2d) return false;
  const after = text.charCodeAt(at + 1);
  return Number.isNaN(after) || after === 0x20 || after === 0x0a || after === 0x0d;
}

const ITEMS_KEY = /^items:[ \t]*(?:#.*)?\r?$/;

/**
 * The spans of the entries of a List's `items`, when the document [start, end) writes them as a
 * block sequence under a top-level `items:` key: an entry starts at a `-` at the sequence's
 * indentation and runs to the next one, or to the first line indented no deeper that is not an
 * entry (the next top-level key). Blank and comment lines never end an entry. Undefined for any
 * other shape (flow style, JSON): the caller then parses the whole document.
 */
export function itemSpans(text: string, start: number, end: number): DocSpan[] | undefined {
  const spans: DocSpan[] = [];
  let inItems = false;
  let indent = -1; // the sequence's indentation, from its first entry
  let open: number | undefined;
  let pos = start;
  while (pos < end) {
    const eol = text.indexOf('\n', pos);
    const next = eol < 0 || eol >= end ? end : eol + 1;
    if (!inItems) {
      inItems = text.startsWith('items:', pos) && ITEMS_KEY.test(text.slice(pos, eol < 0 ? end : eol));
    } else if (!blankOrComment(text, pos, next)) {
      const n = indentAt(text, pos);
      const entry = entryAt(text, pos + n);
      if (indent < 0) {
        if (!entry) return undefined;
        indent = n;
      }
      if (n === indent && entry) {
        if (open !== undefined) spans.push({ start: open, end: pos });
        open = pos;
      } else if (n <= indent) break;
    }
    pos = next;
  }
  if (open === undefined) return undefined;
  spans.push({ start: open, end: pos });
  return spans;
}
