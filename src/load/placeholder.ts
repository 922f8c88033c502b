import { isRecord, type JsonObject } from '../util/values';

/**
 * Placeholders are filled in by some tool between the repository and the API server: Flux
 * post-build substitution and envsubst (`${VAR}`, `${VAR:=default}`, `${VAR:-default}`), kustomize
 * vars (`$(VAR)`), Go, Helm and Jinja expressions inside values (`"{{ .Values.x }}"`), NodeLocal
 * DNS's `__PILLAR__DNS__SERVER__`. The input cannot say what they become, so a check that depends on
 * one proves nothing: the engine drops such findings and says once per object what it skipped.
 *
 * Every scan here is linear (indexOf, no backtracking): the values come from pull requests.
 */

const PILLAR = /__PILLAR__[A-Z0-9_]+__/;

/** The first placeholder in a string, as written; undefined when there is none. */
export function placeholderIn(s: string): string | undefined {
  const dollar = s.indexOf('${');
  if (dollar >= 0) {
    const end = s.indexOf('}', dollar + 2);
    if (end > dollar + 2) return s.slice(dollar, end + 1);
  }
  const paren = s.indexOf('$(');
  if (paren >= 0) {
    const end = s.indexOf(')', paren + 2);
    if (end > paren + 2 && /^[A-Za-z_][\w.-]*$/.test(s.slice(paren + 2, end))) return s.slice(paren, end + 1);
  }
  for (const [open, close] of [
    ['{{', '}}'],
    ['{%', '%}'],
  ] as const) {
    const at = s.indexOf(open);
    if (at >= 0) {
      const end = s.indexOf(close, at + 2);
      return end >= 0 ? s.slice(at, end + 2) : open;
    }
  }
  return PILLAR.exec(s)?.[0];
}

/**
 * A port field holding an upper-case word (`PORT`, `IMAGE_TAG`): port names must be lower case
 * (IANA_SVC_NAME), so this is a variable someone substitutes, not a name.
 */
export function isPortPlaceholder(key: string | number | undefined, value: unknown): boolean {
  return (
    typeof key === 'string' &&
    /port$/i.test(key) &&
    typeof value === 'string' &&
    /^[A-Z][A-Z0-9_]*$/.test(value)
  );
}

/** The first placeholder anywhere in a value (depth-limited), with the bare-word form for port fields. */
export function placeholderWithin(value: unknown, key?: string | number, depth = 0): string | undefined {
  if (typeof value === 'string')
    return placeholderIn(value) ?? (isPortPlaceholder(key, value) ? value : undefined);
  if (depth > 12) return undefined;
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = placeholderWithin(v, key, depth + 1);
      if (found) return found;
    }
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      const found = placeholderWithin(v, k, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

const WITH_DEFAULT = /\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=]([^}$]*)\}/g;

/**
 * Fills `${VAR:=default}` and `${VAR:-default}` (and the forms without the colon) with their
 * defaults, as Flux and envsubst do when the variable is unset. A value that was only the
 * placeholder and whose default is an integer becomes a number, as the substituted text would
 * read in YAML (`port: ${PORT:=8080}`).
 */
export function substituteDefaults(value: JsonObject): void {
  const visit = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') {
      if (!v.includes('${')) return v;
      const whole = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=](-?\d+)\}$/.exec(v);
      if (whole) return Number(whole[1]);
      return v.replace(WITH_DEFAULT, (_, d: string) => d);
    }
    if (depth > 64) return v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = visit(v[i], depth + 1);
    } else if (isRecord(v)) {
      for (const k of Object.keys(v)) v[k] = visit(v[k], depth + 1);
    }
    return v;
  };
  visit(value, 0);
}
