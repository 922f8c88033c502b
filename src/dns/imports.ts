import type { Token } from './corefile';
import { serverKeys } from './validate';
import type { CorefileSource } from './source';

/** A server block key of a `coredns-custom` `*.server` key that another imported Corefile already claims. */
export interface CrossDuplicate {
  source: CorefileSource;
  token: Token;
  id: string;
  first: { source: CorefileSource; token: Token };
}

/** Whether a main Corefile imports the `*.server` keys (AKS: `import custom/*.server`; k3s: `/etc/coredns/custom/*.server`). */
function importsServerKeys(main: CorefileSource): boolean {
  return main.corefile.blocks.some(
    (b) =>
      b.keys.length === 0 &&
      b.directives.some((d) => d.name.text === 'import' && d.args.some((a) => a.text.endsWith('.server'))),
  );
}

/**
 * Server blocks that collide across the Corefiles CoreDNS loads together: the main `coredns` Corefile and
 * the `coredns-custom` `*.server` keys it imports, in the order CoreDNS reads them (the main file, then
 * the imported files sorted by name, as Go's filepath.Glob returns them). Where the main Corefile is in the
 * input but imports no `*.server` file, the custom keys are not loaded and nothing is compared; where it
 * is not in the input (AKS and k3s manage it), the custom keys are still all loaded together.
 */
export function crossSourceDuplicates(sources: readonly CorefileSource[]): CrossDuplicate[] {
  const out: CrossDuplicate[] = [];
  const namespaces = new Set(sources.map((s) => s.object.namespace));
  for (const ns of namespaces) {
    const here = sources.filter((s) => s.object.namespace === ns && s.form === 'corefile');
    const custom = here
      .filter((s) => s.object.name === 'coredns-custom' && s.corefile.errors.length === 0)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (custom.length === 0) continue;
    const mains = here.filter((s) => s.key === 'Corefile' && /coredns/.test(s.object.name));
    if (mains.length > 0 && !mains.some(importsServerKeys)) continue;
    const seen = new Map<string, { source: CorefileSource; token: Token }>();
    for (const m of mains.filter(importsServerKeys))
      for (const k of serverKeys(m.corefile.blocks))
        if (!seen.has(k.id)) seen.set(k.id, { source: m, token: k.token });
    for (const c of custom) {
      const own = new Set<string>();
      for (const k of serverKeys(c.corefile.blocks)) {
        const first = seen.get(k.id);
        // A repeat inside one key is validateCorefile's finding.
        if (first && first.source !== c) out.push({ source: c, token: k.token, id: k.id, first });
        else if (!own.has(k.id)) seen.set(k.id, { source: c, token: k.token });
        own.add(k.id);
      }
    }
  }
  return out;
}
