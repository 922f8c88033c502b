// The label indexes that keep selector resolution near-linear (#22) must answer exactly as a scan
// of every namespace or pod would: same members, same order. Compared on a small grid of labels
// and every selector operator, including values only known at run time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  requirementMatches,
  selectorMatches,
  type LabelValue,
  type Operator,
  type Requirement,
  type Selector,
} from '../src/model/labels';
import type { NamespaceInfo } from '../src/model/model';
import { PodIndex } from '../src/model/pod-index';
import type { PodTemplate } from '../src/model/pods';
import { NamespaceIndex } from '../src/netpol/namespace-index';

const VALUES = ['a', 'b', 'c'];
const OPERATORS: Operator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** Every selector of up to two requirements over keys x, y and values a, b, c. */
function selectors(): Selector[] {
  const reqs: Requirement[] = OPERATORS.flatMap((operator): Requirement[] =>
    ['x', 'y'].flatMap((key): Requirement[] =>
      operator === 'In' || operator === 'NotIn'
        ? [['a'], ['b', 'c'], ['a', 'a', 'z']].map((values) => ({ key, operator, values }))
        : [{ key, operator, values: [] }],
    ),
  );
  const out: Selector[] = [{ requirements: [], errors: [] }];
  for (const r of reqs) {
    out.push({ requirements: [r], errors: [] });
    for (const s of reqs) out.push({ requirements: [r, s], errors: [] });
  }
  return out;
}

test('NamespaceIndex.select: the namespaces a scan finds, in the input order', () => {
  const namespaces = new Map<string, NamespaceInfo>();
  let n = 0;
  for (const x of [undefined, ...VALUES])
    for (const y of [undefined, ...VALUES]) {
      const labels: Record<string, string> = { 'kubernetes.io/metadata.name': `ns-${n}` };
      if (x) labels['x'] = x;
      if (y) labels['y'] = y;
      namespaces.set(`ns-${n}`, { name: `ns-${n}`, labels, object: undefined });
      n++;
    }
  const index = new NamespaceIndex(namespaces);
  for (const sel of selectors()) {
    const scan = [...namespaces.values()]
      .filter((ns) =>
        sel.requirements.every((r) => requirementMatches(r, new Map(Object.entries(ns.labels)))),
      )
      .map((ns) => ns.name);
    assert.equal([...index.select(sel)], scan, JSON.stringify(sel.requirements));
  }
});

test('PodIndex.some: whether select() holds a pod that passes the test', () => {
  const index = new PodIndex();
  const pods: PodTemplate[] = [];
  const values: (LabelValue | undefined)[] = [undefined, ...VALUES, { anyOf: ['a', 'c'] }, { unknown: true }];
  let n = 0;
  for (const x of values)
    for (const y of values) {
      const labels = new Map<string, LabelValue>();
      if (x !== undefined) labels.set('x', x);
      if (y !== undefined) labels.set('y', y);
      const pod = { namespace: `ns-${n++ % 3}`, labels } as unknown as PodTemplate;
      pods.push(pod);
      index.add(pod);
    }
  for (const sel of selectors())
    for (const ns of ['ns-0', 'ns-2']) {
      const test = (p: PodTemplate) => p.namespace === ns;
      const want = pods.some((p) => selectorMatches(sel, p.labels) && test(p));
      assert.is(index.some(sel, test), want, `${JSON.stringify(sel.requirements)} in ${ns}`);
      // Restricted to namespaces: only their pods count, whatever the test accepts.
      const inNs = (list: string[]) =>
        pods.some((p) => list.includes(p.namespace) && selectorMatches(sel, p.labels));
      assert.is(
        index.some(sel, () => true, [ns]),
        inNs([ns]),
        'candidates from the namespace',
      );
      assert.is(
        index.some(sel, () => true, [ns, 'ns-1', 'elsewhere']),
        inNs([ns, 'ns-1']),
      );
      assert.is(
        index.some(sel, () => true, []),
        false,
      );
      assert.is(index.select(sel, undefined).some(test), want);
    }
});

test.run();
