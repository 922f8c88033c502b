import type { Rule } from '../../src/engine/types';
import { hasShimAnnotations } from '../../src/model/cert-manager';
import { ingressBackends, ingressesOf } from '../../src/model/ingress';
import { asArray, asRecord, asString } from '../../src/util/values';

export const ingressTlsEntryInvalid: Rule = {
  meta: {
    id: 'ingress-tls-entry-invalid',
    description: 'Ingress TLS entry lacks hosts or secretName, or shares its Secret',
    details:
      'Reports Ingress spec.tls entries without hosts or without secretName: a warning when cert-manager annotations ' +
      'ask it to issue the certificate (its ingress-shim skips such an entry with a BadConfig event, so the Secret is ' +
      'never written), a note otherwise when the Ingress rules name hosts (hosts then default to the controller’s wildcard ' +
      'host; API reference, IngressTLS). Also notes two entries of one Ingress that name the same Secret: the one certificate must cover ' +
      'the hosts of both, and cert-manager merges them into one Certificate.',
    severity: 'warning',
    tags: ['ingress', 'tls', 'cert-manager'],
    docs: {
      why:
        'cert-manager issues one Certificate per TLS Secret, for the hosts its TLS entries list. An entry without hosts ' +
        'or secretName is skipped, so the Secret never exists and the controller serves its default certificate.',
      symptoms: [
        'Warning BadConfig TLS entry 0 is invalid: secret "site-tls" for ingress TLS has no hosts specified',
        'Kubernetes Ingress Controller Fake Certificate',
      ],
      fix: 'List the hosts of each TLS entry (the rule hosts the certificate serves) and give each a secretName; write one entry per Secret.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: site\n  annotations: {cert-manager.io/cluster-issuer: letsencrypt}\nspec:\n  tls:\n  - secretName: site-tls\n  rules:\n  - host: shop.example.com\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: site\n  annotations: {cert-manager.io/cluster-issuer: letsencrypt}\nspec:\n  tls:\n  - hosts: [shop.example.com]\n    secretName: site-tls\n  rules:\n  - host: shop.example.com\n',
      },
    },
  },
  check(ctx) {
    for (const ing of ingressesOf(ctx.model)) {
      const shim = hasShimAnnotations(ing);
      const seen = new Map<string, number>();
      const ruleHosts = [...new Set(ingressBackends(ing).flatMap((b) => (b.host ? [b.host] : [])))];
      asArray(asRecord(ing.raw['spec'])?.['tls']).forEach((raw, i) => {
        const entry = asRecord(raw);
        if (!entry) return;
        const secret = asString(entry['secretName']);
        const hosts = asArray(entry['hosts']).filter((h) => typeof h === 'string' && h);
        const at = ['spec', 'tls', i];
        // Without cert-manager a host-less entry is the catch-all certificate, which is what an
        // Ingress whose rules name no host wants; with named rule hosts it is likely a slip.
        if (hosts.length === 0 && (shim || ruleHosts.length > 0))
          ctx.report({
            object: ing,
            path: at,
            severity: shim ? 'warning' : 'note',
            message: shim
              ? `Ingress ${ing.name}: TLS entry ${i} has no hosts; cert-manager skips it ("has no hosts specified"), so Secret '${secret ?? ''}' is never issued.`
              : `Ingress ${ing.name}: TLS entry ${i} has no hosts, so it applies to the controller's default (wildcard) host only, not by name to ${ruleHosts.slice(0, 3).join(', ')}; list the hosts it serves.`,
          });
        if (!secret) {
          if (shim)
            ctx.report({
              object: ing,
              path: at,
              message: `Ingress ${ing.name}: TLS entry ${i} has no secretName; cert-manager skips it ("must specify a secretName") and issues nothing for ${hosts.join(', ')}.`,
            });
          return;
        }
        const first = seen.get(secret);
        if (first === undefined) {
          seen.set(secret, i);
          return;
        }
        ctx.report({
          object: ing,
          path: [...at, 'secretName'],
          severity: 'note',
          message: `Ingress ${ing.name}: TLS entries ${first} and ${i} both use Secret '${secret}'; its certificate must cover the hosts of both (cert-manager merges them into one Certificate). Write one entry with all the hosts.`,
        });
      });
    }
  },
};
