import { requirementMatches, type PodLabels, type Selector } from '../model/labels';
import type { NamespaceInfo } from '../model/model';

/**
 * The namespaces of the input indexed by label, for namespaceSelectors: a selector with an `In`
 * requirement is tested only against the namespaces carrying one of its values, not against every
 * namespace. With one distinct selector per namespace (5,000 teams, each admitting another by its
 * label) a scan made policy checks grow with the square of the input (#22).
 */
export class NamespaceIndex {
  private readonly names: string[] = [];
  private readonly labels: PodLabels[] = [];
  /** `key\0value` → positions of the namespaces carrying it, ascending. */
  private readonly exact = new Map<string, number[]>();
  /** Positions of namespaces whose value for a key is not a string (not narrowed by value). */
  private readonly anyValue = new Map<string, number[]>();

  constructor(namespaces: ReadonlyMap<string, NamespaceInfo>) {
    for (const [name, info] of namespaces) {
      const at = this.names.length;
      this.names.push(name);
      const labels = new Map(Object.entries(info.labels));
      this.labels.push(labels);
      for (const [key, value] of labels) {
        if (typeof value === 'string') push(this.exact, `${key}\u0000${value}`, at);
        else push(this.anyValue, key, at);
      }
    }
  }

  /** Positions that may satisfy an `In` requirement, ascending. */
  private candidatesFor(key: string, values: readonly string[]): number[] {
    const lists = [...new Set(values)].map((v) => this.exact.get(`${key}\u0000${v}`) ?? []);
    const unknown = this.anyValue.get(key);
    if (unknown) lists.push(unknown);
    if (lists.length === 1) return lists[0] as number[];
    return [...new Set(lists.flat())].sort((a, b) => a - b);
  }

  /** The namespaces the selector selects, in the order of the input's namespaces. */
  select(sel: Selector): Set<string> {
    let best: readonly number[] | undefined;
    for (const r of sel.requirements) {
      if (r.operator !== 'In') continue;
      const c = this.candidatesFor(r.key, r.values);
      if (best === undefined || c.length < best.length) best = c;
      if (best.length === 0) break;
    }
    const out = new Set<string>();
    const test = (i: number): void => {
      const labels = this.labels[i] as PodLabels;
      if (sel.requirements.every((r) => requirementMatches(r, labels))) out.add(this.names[i] as string);
    };
    if (best === undefined) for (let i = 0; i < this.names.length; i++) test(i);
    else for (const i of best) test(i);
    return out;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
