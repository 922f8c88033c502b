import { editDistance } from './similar';

/**
 * The candidate closest to a mistyped name ("--formt" → "--format", "service-selector-no-mach" →
 * "service-selector-no-match"), or undefined when none is close: at most a third of the name's
 * length in edits (at least 1, at most 3), or one name a prefix of the other.
 */
export function closestName(input: string, candidates: Iterable<string>): string | undefined {
  const max = Math.max(1, Math.min(3, Math.floor(input.length / 3)));
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    if (name === input) return name;
    const d = editDistance(input.toLowerCase(), name.toLowerCase(), max);
    if (d <= max && (!best || d < best.distance)) best = { name, distance: d };
  }
  if (best) return best.name;
  if (input.length >= 3) {
    for (const name of candidates) if (name.startsWith(input)) return name;
  }
  return undefined;
}

/** "; did you mean 'x'?" or nothing. */
export function didYouMean(input: string, candidates: Iterable<string>, quote = "'"): string {
  const hit = closestName(input, candidates);
  return hit === undefined ? '' : `; did you mean ${quote}${hit}${quote}?`;
}
