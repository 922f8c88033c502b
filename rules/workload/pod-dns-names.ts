import type { Model } from '../../src/model/model';

const cache = new WeakMap<Model, Map<string, string[]>>();
const WORD = /[A-Za-z0-9_]/;

/**
 * Where the input writes a StatefulSet pod's DNS name (`<set>-<ordinal>.<service>`), indexed by the
 * service label: service name → the text just before `-<ordinal>.`. One linear scan of the objects'
 * text, so that asking for every StatefulSet costs a lookup each, not a scan each. A service name is
 * indexed at every word boundary of the label after the dot (`web-0.nginx-headless` is a mention of
 * `nginx` as well as of `nginx-headless`, as a regular expression `web-\d+\.nginx\b` would find it).
 */
function podDnsIndex(model: Model): Map<string, string[]> {
  const cached = cache.get(model);
  if (cached) return cached;
  const index = new Map<string, string[]>();
  for (const o of model.objects) {
    const text = JSON.stringify(o.raw);
    const re = /-\d+\.(?=[a-z0-9])/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      let start = m.index;
      while (start > 0 && /[a-z0-9-]/.test(text[start - 1] as string)) start--;
      const left = text.slice(start, m.index);
      let end = re.lastIndex;
      while (end < text.length && /[a-z0-9-]/.test(text[end] as string)) end++;
      const right = text.slice(re.lastIndex, end);
      for (let i = 1; i <= right.length; i++) {
        const next = i < right.length ? (right[i] as string) : (text[end] ?? '');
        if (next !== '' && WORD.test(next)) continue;
        const name = right.slice(0, i);
        const list = index.get(name);
        if (list) list.push(left);
        else index.set(name, [left]);
      }
    }
  }
  cache.set(model, index);
  return index;
}

/** Whether the input names a pod of StatefulSet `set` through Service `service` (`set-0.service`). */
export function mentionsPodDnsName(model: Model, set: string, service: string): boolean {
  return (podDnsIndex(model).get(service) ?? []).some((left) => left.endsWith(set));
}
