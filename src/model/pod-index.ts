import { selectorMatches, type Requirement, type Selector } from './labels';
import type { PodTemplate } from './pods';

/**
 * An inverted index from labels to pod templates. Matching a selector starts from the smallest
 * candidate list of its `In` requirements instead of scanning every pod, so resolving every
 * Service and policy of a large repository stays near-linear in the number of objects.
 */
export class PodIndex {
  private readonly exact = new Map<string, PodTemplate[]>();
  /** Pods whose value for a key is only known at run time. */
  private readonly anyValue = new Map<string, PodTemplate[]>();
  private readonly byNamespace = new Map<string, PodTemplate[]>();
  /** Pods by label key, whatever the value: candidates for "closest match" hints. */
  private readonly byKey = new Map<string, PodTemplate[]>();
  private readonly all: PodTemplate[] = [];

  add(pod: PodTemplate): void {
    this.all.push(pod);
    push(this.byNamespace, pod.namespace, pod);
    for (const [key, value] of pod.labels) {
      push(this.byKey, `${pod.namespace}\u0000${key}`, pod);
      if (typeof value === 'string') push(this.exact, `${key}\u0000${value}`, pod);
      else if ('unknown' in value) push(this.anyValue, key, pod);
      else for (const v of new Set(value.anyOf)) push(this.exact, `${key}\u0000${v}`, pod);
    }
  }

  inNamespace(namespace: string): readonly PodTemplate[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  namespaces(): IterableIterator<string> {
    return this.byNamespace.keys();
  }

  private candidatesFor(req: Requirement): PodTemplate[] {
    const lists: PodTemplate[][] = req.values.map((v) => this.exact.get(`${req.key}\u0000${v}`) ?? []);
    const unknown = this.anyValue.get(req.key);
    if (unknown) lists.push(unknown);
    if (lists.length === 1) return lists[0] as PodTemplate[];
    return [...new Set(lists.flat())];
  }

  /**
   * Pod templates the selector may select, in one namespace or (namespace undefined) in all.
   * An empty selector selects every pod.
   */
  select(selector: Selector, namespace: string | undefined): PodTemplate[] {
    let best: readonly PodTemplate[] | undefined =
      namespace === undefined ? this.all : this.inNamespace(namespace);
    for (const req of selector.requirements) {
      if (req.operator !== 'In') continue;
      const c = this.candidatesFor(req);
      if (c.length < best.length) best = c;
      if (best.length === 0) return [];
    }
    return best.filter(
      (pod) =>
        (namespace === undefined || pod.namespace === namespace) && selectorMatches(selector, pod.labels),
    );
  }

  /**
   * Whether some pod the selector selects passes `test`: select() without building the list,
   * stopping at the first. A peer selecting thousands of pods is answered by its first candidate
   * (#22). With `namespaces`, only pods of those namespaces count.
   */
  some(selector: Selector, test: (pod: PodTemplate) => boolean, namespaces?: readonly string[]): boolean {
    let best: readonly (readonly PodTemplate[])[] = [this.all];
    let size = this.all.length;
    let byLabel = false;
    // The pods of those namespaces, when fewer: a peer whose namespaceSelector picks one team's
    // namespace and whose podSelector matches a label every team uses (#22).
    if (namespaces) {
      best = namespaces.map((ns) => this.inNamespace(ns));
      size = best.reduce((a, l) => a + l.length, 0);
    }
    for (const req of selector.requirements) {
      if (req.operator !== 'In') continue;
      // The lists of the requirement's values, not merged: a pod met twice is tested twice, which
      // changes nothing for `some`.
      const lists: PodTemplate[][] = [...new Set(req.values)].map(
        (v) => this.exact.get(`${req.key}\u0000${v}`) ?? [],
      );
      const unknown = this.anyValue.get(req.key);
      if (unknown) lists.push(unknown);
      const n = lists.reduce((a, l) => a + l.length, 0);
      if (n < size) {
        best = lists;
        size = n;
        byLabel = true;
      }
      if (size === 0) return false;
    }
    // Candidates by label may lie in any namespace.
    const within = namespaces && byLabel ? new Set(namespaces) : undefined;
    for (const list of best)
      for (const pod of list)
        if ((!within || within.has(pod.namespace)) && selectorMatches(selector, pod.labels) && test(pod))
          return true;
    return false;
  }

  /** Pods of the namespace that carry at least one of the selector's keys: "did you mean" candidates. */
  related(selector: Selector, namespace: string, limit: number): PodTemplate[] {
    const seen = new Set<PodTemplate>();
    for (const req of selector.requirements) {
      for (const pod of this.byKey.get(`${namespace}\u0000${req.key}`) ?? []) {
        seen.add(pod);
        if (seen.size >= limit) return [...seen];
      }
    }
    return [...seen];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
