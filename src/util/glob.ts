// Glob matching in time linear in the pattern times the path. Config globs (`ignore`,
// `ignoreFindings[].file`) and the names they are matched against both come from the repository
// under lint, so both may be hostile. minimatch compiles a glob to a backtracking regular
// expression: `*a*a*a*a*b` against a 40-character name took minutes, and extglobs grow
// exponentially. Here:
//   - `*`, `?` and `[…]` within a path segment, and `**` across segments, are matched by the
//     classic wildcard algorithm that only ever backtracks to the last star: O(pattern × text);
//   - `{a,b}` alternatives are expanded, at most MAX_ALTERNATIVES of them;
//   - extglobs (`+(a|b)`, `@(…)`) are not special: their characters are literal, as minimatch's
//     `noext` makes them; POSIX classes (`[[:alpha:]]`) and brace ranges (`{1..3}`) are not supported;
//   - as minimatch: a leading `!` negates, a leading `#` is a comment, `*` matches a leading dot
//     (minimatch's `dot`), and a pattern without `/` is matched against the base name (`matchBase`).

const MAX_PATTERN_LENGTH = 1024;
const MAX_ALTERNATIVES = 256;

export class GlobError extends Error {}

type Token =
  | { t: 'char'; c: string }
  | { t: 'any' }
  | { t: 'star' }
  | { t: 'class'; negate: boolean; ranges: [string, string][] };

type Segment = { t: 'globstar' } | { t: 'seg'; tokens: Token[] };

/** `{a,b}c` → ['ac', 'bc'], nested braces included; a brace without a comma stays literal. */
function expandBraces(pattern: string): string[] {
  const results: string[] = [];
  const expand = (p: string): void => {
    if (results.length > MAX_ALTERNATIVES)
      throw new GlobError(`more than ${MAX_ALTERNATIVES} {…} alternatives`);
    // The first top-level {…} that holds a comma.
    for (let i = 0; i < p.length; i++) {
      if (p[i] === '\\') {
        i++;
        continue;
      }
      if (p[i] !== '{') continue;
      let depth = 0;
      const commas: number[] = [];
      let end = -1;
      for (let j = i; j < p.length; j++) {
        const c = p[j];
        if (c === '\\') j++;
        else if (c === '{') depth++;
        else if (c === '}') {
          depth--;
          if (depth === 0) {
            end = j;
            break;
          }
        } else if (c === ',' && depth === 1) commas.push(j);
      }
      if (end < 0 || commas.length === 0) continue;
      const head = p.slice(0, i);
      const tail = p.slice(end + 1);
      const cuts = [i, ...commas, end];
      for (let k = 0; k + 1 < cuts.length; k++)
        expand(head + p.slice((cuts[k] as number) + 1, cuts[k + 1]) + tail);
      return;
    }
    results.push(p);
  };
  expand(pattern);
  if (results.length > MAX_ALTERNATIVES)
    throw new GlobError(`more than ${MAX_ALTERNATIVES} {…} alternatives`);
  return results;
}

function tokenize(seg: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i] as string;
    if (c === '\\' && i + 1 < seg.length) tokens.push({ t: 'char', c: seg[++i] as string });
    else if (c === '*') {
      if (tokens[tokens.length - 1]?.t !== 'star') tokens.push({ t: 'star' });
    } else if (c === '?') tokens.push({ t: 'any' });
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) {
        tokens.push({ t: 'char', c });
        continue;
      }
      let body = seg.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      const ranges: [string, string][] = [];
      for (let k = 0; k < body.length; k++) {
        const lo = body[k] as string;
        if (body[k + 1] === '-' && k + 2 < body.length) {
          ranges.push([lo, body[k + 2] as string]);
          k += 2;
        } else ranges.push([lo, lo]);
      }
      tokens.push({ t: 'class', negate, ranges });
      i = close;
    } else tokens.push({ t: 'char', c });
  }
  return tokens;
}

function tokenMatches(tok: Token, c: string): boolean {
  switch (tok.t) {
    case 'char':
      return tok.c === c;
    case 'any':
      return true;
    case 'class':
      return tok.ranges.some(([lo, hi]) => c >= lo && c <= hi) !== tok.negate;
    default:
      return false;
  }
}

/**
 * Wildcard matching where `isStar(p[i])` matches any run of items and other items match one:
 * on a mismatch, only the last star takes one more item. O(p × s).
 */
function wildcard<P, S>(
  p: readonly P[],
  s: readonly S[],
  isStar: (x: P) => boolean,
  one: (x: P, y: S) => boolean,
): boolean {
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    if (pi < p.length && isStar(p[pi] as P)) {
      starP = pi++;
      starS = si;
    } else if (pi < p.length && one(p[pi] as P, s[si] as S)) {
      pi++;
      si++;
    } else if (starP >= 0) {
      pi = starP + 1;
      si = ++starS;
    } else return false;
  }
  while (pi < p.length && isStar(p[pi] as P)) pi++;
  return pi === p.length;
}

function segMatches(seg: Segment, name: string): boolean {
  if (seg.t === 'globstar') return true;
  return wildcard(
    seg.tokens,
    [...name],
    (t) => t.t === 'star',
    (t, c) => tokenMatches(t, c),
  );
}

export interface Glob {
  match(path: string): boolean;
}

/** Compiles a glob; throws GlobError for one too long or with too many alternatives. */
export function compileGlob(pattern: string): Glob {
  if (pattern.length > MAX_PATTERN_LENGTH)
    throw new GlobError(`longer than ${MAX_PATTERN_LENGTH} characters`);
  if (pattern.startsWith('#')) return { match: () => false };
  let negate = false;
  let body = pattern;
  while (body.startsWith('!')) {
    negate = !negate;
    body = body.slice(1);
  }
  const matchBase = !body.includes('/');
  const alternatives = expandBraces(body).map((alt) =>
    alt
      .split('/')
      .filter((part, i, all) => part !== '.' || i === all.length - 1)
      .map((part): Segment => (part === '**' ? { t: 'globstar' } : { t: 'seg', tokens: tokenize(part) })),
  );
  return {
    match(path: string): boolean {
      const parts = path.split('/');
      const names = matchBase ? [parts[parts.length - 1] as string] : parts;
      const hit = alternatives.some((segs) =>
        wildcard(
          segs,
          names,
          (x) => x.t === 'globstar',
          (x, name) => segMatches(x, name),
        ),
      );
      return hit !== negate;
    },
  };
}

const cache = new Map<string, Glob>();

/** compileGlob, once per pattern. */
export function glob(pattern: string): Glob {
  let g = cache.get(pattern);
  if (!g) {
    g = compileGlob(pattern);
    cache.set(pattern, g);
  }
  return g;
}
