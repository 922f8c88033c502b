// One rule for references to objects the input does not hold. The input is rarely the whole
// cluster: other repositories, charts and operators create objects too. So a missing object is
// only a definite error when the input shows its neighbours (objects of that kind in that
// namespace) and one of them has a name so close that a typo is likely.
import { looksLikeTypo } from '../util/similar';
import type { Model } from './model';
import type { KObject } from './object';
import { isNear } from './proximity';
import { describeProviders, type OutsideProviders } from './providers';

export type MissingLevel = 'error' | 'warning' | 'note';

export interface MissingVerdict {
  level: MissingLevel;
  /** A sentence saying why, to append to the finding's message (starts with a space). */
  reason: string;
  /** A similar name of the same kind in the namespace: the likely intended object. */
  similar: KObject | undefined;
}

/** Two adjacent characters swapped: 'wbe' for 'web'. */
function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]));
  return (
    diff.length === 2 &&
    diff[1] === (diff[0] as number) + 1 &&
    a[diff[0] as number] === b[diff[1] as number] &&
    a[diff[1] as number] === b[diff[0] as number]
  );
}

/** Distance-based and case-insensitive: 'web-svc' for 'web-scv', 'Api' for 'api'. */
function similarName(name: string, candidates: readonly KObject[]): KObject | undefined {
  return candidates.find((c) => looksLikeTypo(name, c.name) || isTransposition(name, c.name));
}

export function judgeMissing(
  model: Model,
  ref: { group: string; kind: string; namespace: string | undefined; name: string },
  from: KObject,
  providers?: OutsideProviders,
): MissingVerdict {
  // Neighbours are objects of the kind in the namespace near the reference (proximity.isNear):
  // in a repository of many applications, another application's Services say nothing.
  const neighbours = model
    .ofKind(ref.group, ref.kind)
    .filter((o) => o.namespace === ref.namespace && isNear(o, from));
  const similar = similarName(ref.name, neighbours);
  const where = ref.namespace === undefined ? '' : ` in namespace '${ref.namespace}'`;
  if (providers?.likely) return { level: 'note', reason: describeProviders(providers, 'Service'), similar };
  if (neighbours.length === 0)
    return {
      level: 'note',
      reason:
        ` The input holds no ${ref.kind}${where} near it, so it may come from elsewhere (another repository, a chart, an operator);` +
        ` lint it together with what creates it to check it.` +
        (providers ? describeProviders(providers, 'Service') : ''),
      similar,
    };
  if (similar)
    return {
      level: providers?.creators.length ? 'warning' : 'error',
      reason: ` Did you mean '${similar.name}'?` + (providers ? describeProviders(providers, 'Service') : ''),
      similar,
    };
  return {
    level: 'warning',
    reason:
      ` The input has other ${ref.kind}s${where} but none with a similar name; if it is created elsewhere, lint them together.` +
      (providers ? describeProviders(providers, 'Service') : ''),
    similar,
  };
}
