import { isAlias, isCollection, visit, type Document } from 'yaml';

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
