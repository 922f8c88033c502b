import { isRecord, type JsonObject } from '../util/values';

/**
 * A strategic merge patch, as kustomize applies one to a resource, for the fields networking reads:
 * maps merge key by key (null deletes), lists of objects merge by their Kubernetes merge key
 * (`containerPort` for container ports, `name` for containers, env, volumes and the like), other
 * lists are replaced. `$patch: delete` removes an element, `$patch: replace` replaces the map.
 * Directives other than these are dropped. See the Kubernetes API conventions on strategic merge
 * patch and the `patchMergeKey` tags of the core/v1 types.
 */
export function strategicMerge(target: JsonObject, patch: JsonObject, depth = 0): void {
  if (depth > 32) return;
  for (const [key, value] of Object.entries(patch)) {
    // Directives are not fields; `__proto__` would set the target's prototype instead of a field.
    if (key.startsWith('$') || key === '__proto__') continue;
    if (value === null) {
      delete target[key];
      continue;
    }
    const existing = target[key];
    if (isRecord(value)) {
      if (value['$patch'] === 'replace' || !isRecord(existing)) {
        target[key] = withoutDirectives(value);
      } else if (value['$patch'] === 'delete') {
        delete target[key];
      } else strategicMerge(existing, value, depth + 1);
    } else if (Array.isArray(value) && Array.isArray(existing)) {
      target[key] = mergeList(key, existing, value, depth);
    } else target[key] = value;
  }
}

const MERGE_KEYS: Record<string, string> = { ports: 'containerPort' };

function mergeKeyOf(field: string, items: readonly unknown[]): string | undefined {
  const preferred = Object.hasOwn(MERGE_KEYS, field) ? MERGE_KEYS[field] : undefined;
  const candidates = preferred ? [preferred, 'name'] : ['name'];
  return candidates.find((k) => items.length > 0 && items.every((i) => isRecord(i) && i[k] !== undefined));
}

function mergeList(field: string, existing: unknown[], patch: unknown[], depth: number): unknown[] {
  const key = mergeKeyOf(field, patch);
  if (!key) return patch.map((v) => (isRecord(v) ? withoutDirectives(v) : v));
  const out = [...existing];
  for (const item of patch) {
    if (!isRecord(item)) continue;
    const at = out.findIndex((e) => isRecord(e) && e[key] === item[key]);
    if (item['$patch'] === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) strategicMerge(out[at] as JsonObject, item, depth + 1);
    else out.push(withoutDirectives(item));
  }
  return out;
}

function withoutDirectives(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith('$')) out[k] = v;
  return out;
}
