// How `--cache` writes a file's documents: JSON, because JSON.parse of one text builds the values
// of a 10k repository about three times faster than v8.deserialize of one buffer per file (#22).
// js-yaml's values are JSON but for a few scalars (Dates, !!binary bytes, NaN, ±Infinity, -0):
// JSON.stringify writes something else in their place, and a list of them with their paths puts
// them back. JSON.parse builds plain values only, so what the text holds needs no deep check, only
// the shape of each document and of each special value.
import { isRecord, type JsonObject } from '../util/values';
import type { FieldPath } from './types';

/** One document the fast path produced: what parse.ts needs to rebuild its ManifestDoc. */
export interface CachedDoc {
  docIndex: number;
  basePath: FieldPath;
  value: JsonObject;
}

type Tag = 'date' | 'bytes' | 'number';
/** Where a value JSON cannot hold sits in the document, and how to rebuild it. */
type Special = [path: (string | number)[], tag: Tag, payload: string];

/** The values JSON.stringify would change, with their paths; iterative, for deep documents. */
function specialsOf(root: unknown): Special[] {
  const out: Special[] = [];
  const stack: [unknown, (string | number)[]][] = [[root, []]];
  while (stack.length) {
    const [v, at] = stack.pop() as [unknown, (string | number)[]];
    if (typeof v === 'number') {
      if (!Number.isFinite(v) || Object.is(v, -0))
        out.push([at, 'number', Object.is(v, -0) ? '-0' : String(v)]);
    } else if (v instanceof Date) out.push([at, 'date', String(v.getTime())]);
    else if (v instanceof Uint8Array) out.push([at, 'bytes', Buffer.from(v).toString('base64')]);
    else if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, [...at, i]]));
    else if (typeof v === 'object' && v !== null)
      for (const [k, x] of Object.entries(v)) stack.push([x, [...at, k]]);
  }
  return out;
}

/** The text of one file's documents. */
export function encodeDocs(docs: readonly CachedDoc[]): string {
  return JSON.stringify(
    docs.map((d) => {
      const special = specialsOf(d.value);
      return {
        docIndex: d.docIndex,
        basePath: d.basePath,
        value: d.value,
        ...(special.length ? { special } : {}),
      };
    }),
  );
}

const isKey = (p: unknown): p is string | number =>
  typeof p === 'string' || (Number.isInteger(p) && (p as number) >= 0);

function rebuild(tag: unknown, payload: unknown): { value: unknown } | undefined {
  if (typeof payload !== 'string') return undefined;
  if (tag === 'date') {
    const ms = Number(payload);
    return payload === 'NaN' || Number.isFinite(ms) ? { value: new Date(ms) } : undefined;
  }
  if (tag === 'bytes') return { value: new Uint8Array(Buffer.from(payload, 'base64')) };
  if (tag === 'number' && ['NaN', 'Infinity', '-Infinity', '-0'].includes(payload))
    return { value: Number(payload) };
  return undefined;
}

/** Puts one special value back where it was; false when its path does not lead into the document. */
function restore(value: JsonObject, special: unknown): boolean {
  if (!Array.isArray(special) || special.length !== 3) return false;
  const [at, tag, payload] = special as unknown[];
  if (!Array.isArray(at) || at.length === 0 || !at.every(isKey)) return false;
  const rebuilt = rebuild(tag, payload);
  if (!rebuilt) return false;
  let container: unknown = value;
  for (let i = 0; i < at.length; i++) {
    const key = at[i] as string | number;
    if (typeof container !== 'object' || container === null) return false;
    // Only the document's own fields: a planted path never reaches a prototype.
    if (!Object.prototype.hasOwnProperty.call(container, key)) return false;
    if (i === at.length - 1) {
      // defineProperty, not assignment: a key named __proto__ stays a field, as js-yaml made it.
      Object.defineProperty(container, key, {
        value: rebuilt.value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
      return true;
    }
    container = (container as Record<string | number, unknown>)[key];
  }
  return false;
}

/** The documents of one parsed entry, or undefined when it is not what encodeDocs writes. */
export function decodeDocs(raw: unknown): CachedDoc[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: CachedDoc[] = [];
  for (const d of raw as unknown[]) {
    if (!isRecord(d)) return undefined;
    const { docIndex, basePath, value, special } = d;
    if (!Number.isInteger(docIndex) || (docIndex as number) < 0) return undefined;
    if (!Array.isArray(basePath) || !basePath.every(isKey)) return undefined;
    if (!isRecord(value) || typeof value['kind'] !== 'string' || typeof value['apiVersion'] !== 'string')
      return undefined;
    if (special !== undefined && (!Array.isArray(special) || !special.every((s) => restore(value, s))))
      return undefined;
    out.push({ docIndex: docIndex as number, basePath: basePath as FieldPath, value });
  }
  return out;
}
