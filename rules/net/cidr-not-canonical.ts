import type { Rule } from '../../src/engine/types';
import { regionOf } from '../../src/load/region';
import type { FieldPath } from '../../src/load/types';
import type { KObject } from '../../src/model/object';
import { canonical, hasHostBits, parseCidr } from '../../src/net/cidr';
import { addressFields } from './address-fields';

/** Keeps the quoting of the original scalar, so the fix replaces the node's exact text. */
function quoteLike(obj: KObject, path: FieldPath, value: string): string {
  const r = regionOf(obj.doc, path);
  const first = obj.doc.file.text.split('\n')[r.startLine - 1]?.[r.startColumn - 1];
  return first === '"' || first === "'" ? `${first}${value}${first}` : value;
}

export const cidrNotCanonical: Rule = {
  meta: {
    id: 'cidr-not-canonical',
    description: 'A CIDR with host bits set',
    details:
      'Reports a CIDR whose address has bits set beyond its prefix (203.0.113.77/24), names its canonical form ' +
      '(203.0.113.0/24) and offers it as a SARIF fix.',
    severity: 'warning',
    tags: ['cidr'],
    docs: {
      why:
        'Tools disagree on what 203.0.113.77/24 means: most silently mask it to the /24, some reject it, and a reader ' +
        'may believe it names one host. Newer API validation rejects non-canonical ipBlocks.',
      symptoms: ['an ipBlock rule admits a whole subnet where one host was meant'],
      fix: 'Write the network address: clear the host bits, or use /32 (/128) for a single host.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {cidr: 203.0.113.77/24}\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {cidr: 203.0.113.0/24}\n',
      },
    },
  },
  check(ctx) {
    for (const f of addressFields(ctx.model)) {
      if (f.kind !== 'cidr') continue;
      const c = parseCidr(f.text);
      if (!c || !hasHostBits(c)) continue;
      const fixed = canonical(c);
      const replacement = f.fieldText.split(f.text).join(fixed);
      ctx.report({
        object: f.object,
        path: f.path,
        message: `${f.source}: '${f.text}' has host bits set; it means ${fixed}. Write ${fixed}${c.prefix < (c.family === 4 ? 32 : 128) ? ` (or ${f.text.split('/')[0]}/${c.family === 4 ? 32 : 128} for the single host)` : ''}.`,
        // Block scalars (a CIDR inside embedded JSON) get no mechanical fix: only the message.
        ...(f.fieldText.includes('\n')
          ? {}
          : {
              fix: {
                description: `Replace with ${fixed}`,
                replacement: quoteLike(f.object, f.path, replacement),
              },
            }),
      });
    }
  },
};
