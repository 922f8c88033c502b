import { isAlias, isCollection, isScalar, visit, type Document } from 'yaml';

/**
 * The offset of the first mapping key that is a mapping or a sequence (`? [a, b]: c`,
 * `{[a]: b}`), if any. Kubernetes' decoder (sigs.k8s.io/yaml, converting YAML to JSON) accepts only
 * scalar keys and rejects the document ("Unsupported map key"); the `yaml` package would turn the
 * key into a string and print a warning that quotes it.
 */
export function collectionKeyOffset(doc: Document): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key;
      const target = isAlias(key) ? key.resolve(doc) : key;
      if (isCollection(target)) {
        found = (key as { range?: [number, number, number] }).range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * The offset of the first key that repeats an earlier key of its mapping, as the `yaml` package's
 * `uniqueKeys` finds them (scalar values compared with ===; the YAML 1.1 merge key `<<` may repeat),
 * but in linear time: the package compares each key with every earlier one, and a 1 MB mapping of
 * 40,000 keys took half a minute.
 */
export function duplicateKeyOffset(doc: Document, mergeKeys: boolean): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key)) continue;
        const v = key.value;
        if (v !== null && typeof v === 'object') continue; // a timestamp: yaml compares identity
        if (mergeKeys && v === '<<') continue;
        const id = `${typeof v}:${String(v)}`;
        if (seen.has(id)) {
          const at = key.range?.[0] ?? 0;
          if (found === undefined || at < found) found = at;
          return visit.SKIP;
        }
        seen.add(id);
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Flow collections (`[`, `{`) nested deeper than this are refused before parsing: the `yaml` package
 * spends seconds on tens of thousands of levels, and at about 10,000 it aborts the whole process
 * (out of memory in V8's regular-expression compiler, which no try/catch stops). Real manifests nest
 * a few levels; js-yaml stops at 100, Kubernetes' decoder at 10,000.
 */
export const MAX_FLOW_DEPTH = 1000;

/**
 * Whether `text` opens flow collections more than MAX_FLOW_DEPTH deep. An upper-bound estimate that
 * also counts brackets inside quoted or block scalars: over-counting is harmless at this depth.
 */
export function flowTooDeep(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_FLOW_DEPTH) return true;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return false;
}
