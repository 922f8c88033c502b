// Narrowing helpers for values parsed from YAML. Manifests are untrusted input: every field may be
// missing or of the wrong type, so rules read them through these instead of casting.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: unknown };

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown): JsonObject | undefined {
  return isRecord(value) ? value : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Reads a nested field by path; undefined when any step is missing or of the wrong shape. */
export function getPath(value: unknown, path: readonly (string | number)[]): unknown {
  let current: unknown = value;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (!isRecord(current)) return undefined;
      current = current[step];
    }
  }
  return current;
}

/** The prototype of string maps: empty, frozen, and without Object.prototype behind it. */
const NO_PROTOTYPE: object = Object.freeze(Object.create(null) as object);

/**
 * A string map such as metadata.labels. Kubernetes label values are strings; YAML may have parsed
 * `version: 1` or `enabled: true` as other scalars, which the API server would reject, but for
 * matching we compare their text (what the author meant).
 */
export function asStringMap(value: unknown): Record<string, string> {
  // No Object.prototype in the chain: a key `__proto__` (or `constructor`) from the input is a key
  // like any other, not a write to the prototype that silently drops it. Made from an empty
  // prototype-less prototype rather than Object.create(null), which V8 builds as a hash table: every
  // object's labels and annotations are such a map, and at 50k objects that was 12 MB (issue #22).
  const out = Object.create(NO_PROTOTYPE) as Record<string, string>;
  if (!isRecord(value)) return out;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
    else if (v === null) out[key] = '';
  }
  return out;
}
