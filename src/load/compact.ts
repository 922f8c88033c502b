import type { JsonObject } from '../util/values';

/**
 * Parsed values hold the same few strings many times over ("http", "v1", a namespace, an app name on
 * each of its objects), and the parsers hand out strings that V8 keeps as slices of the whole
 * document text: one name read from a file keeps the file's text alive. js-yaml appends a NUL to its
 * input, so that is a second copy of every file it read, held by the slices. At 50k documents the
 * duplicates and the second copies were about 40 MB of a 115 MB heap after loading (issue #22).
 *
 * Strings up to this length are shared through a pool; longer ones (certificates, scripts, a
 * Corefile) are rarely repeated and only copied out of the text they were sliced from.
 */
const MAX_POOLED_LENGTH = 256;
/** The pool is dropped when it holds this many strings, so a long-lived process (the language server) keeps a bounded set. */
const MAX_POOL_SIZE = 1 << 17;
/** V8 makes sliced strings only from this length (SlicedString::kMinLength); shorter ones are flat copies already. */
const MIN_SLICE_LENGTH = 13;

let pool = new Map<string, string>();

/** A flat copy of the string, with no reference to the text it may be a slice of. */
function ownCopy(s: string): string {
  // JSON round-trips every string exactly (lone surrogates too, as escapes) and builds a new one.
  return s.length < MIN_SLICE_LENGTH ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** The pooled string equal to `s`: one copy per distinct value, none of them slices of a file text. */
export function internString(s: string): string {
  if (s.length > MAX_POOLED_LENGTH) return ownCopy(s);
  const known = pool.get(s);
  if (known !== undefined) return known;
  const own = ownCopy(s);
  if (pool.size >= MAX_POOL_SIZE) pool = new Map();
  pool.set(own, own);
  return own;
}

/**
 * Replaces every string value inside `root` (not the keys: V8 already keeps one copy of each
 * property name) by its pooled copy, in place. Iterative, and each object is visited once: the
 * full parse resolves aliases to shared (even cyclic) objects.
 */
export function internStrings<T extends JsonObject>(root: T): T {
  const seen = new Set<object>();
  const stack: object[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      const list = node as unknown[];
      for (let i = 0; i < list.length; i++) {
        const v = list[i];
        if (typeof v === 'string') list[i] = internString(v);
        else if (isContainer(v)) stack.push(v);
      }
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const v = record[key];
      if (typeof v === 'string') record[key] = internString(v);
      else if (isContainer(v)) stack.push(v);
    }
  }
  return root;
}

/** A mapping or sequence of a parsed value (not a Date or the bytes of a `!!binary`). */
function isContainer(v: unknown): v is object {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * `obj` without the keys `drop` selects: the same object when it has none of them, else a copy. A copy
 * rather than `delete`: V8 turns an object it deletes a property from into a hash table, about four
 * times the size (a pruned container or ConfigMap data then weighs ~450 bytes instead of ~100).
 */
export function withoutKeys(obj: JsonObject, drop: (key: string) => boolean): JsonObject {
  const keys = Object.keys(obj);
  if (!keys.some(drop)) return obj;
  const out: JsonObject = {};
  for (const key of keys) {
    if (drop(key)) continue;
    // A `__proto__` key from the input is data: define it, as the parsers do, rather than set a prototype.
    if (key === '__proto__')
      Object.defineProperty(out, key, {
        value: obj[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[key] = obj[key];
  }
  return out;
}
