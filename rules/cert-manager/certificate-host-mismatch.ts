import type { Rule } from '../../src/engine/types';
import {
  certificateNames,
  certificatesForSecret,
  hasShimAnnotations,
  nameCovers,
} from '../../src/model/cert-manager';
import { ingressesOf } from '../../src/model/ingress';
import { asArray, asRecord, asString } from '../../src/util/values';

export const certificateHostMismatch: Rule = {
  meta: {
    id: 'certificate-host-mismatch',
    description: 'Certificate dnsNames do not cover the Ingress TLS hosts that use its Secret',
    details:
      'Reports an Ingress TLS host that the cert-manager Certificate writing the entry’s Secret (same namespace, ' +
      'spec.secretName) does not cover by its dnsNames or commonName, a `*.` wildcard standing for exactly one label. ' +
      'Ingresses with cert-manager annotations are skipped: the ingress-shim then issues for their hosts itself.',
    severity: 'error',
    tags: ['cert-manager', 'tls', 'ingress'],
    docs: {
      why:
        'The controller serves the Secret’s certificate for every host of the TLS entry; a host the certificate does ' +
        'not name fails verification in every client.',
      symptoms: [
        'x509: certificate is valid for shop.example.com, not www.shop.example.com',
        'NET::ERR_CERT_COMMON_NAME_INVALID',
        'SSL: no alternative certificate subject name matches target host name',
      ],
      fix: 'Add the host to the Certificate’s dnsNames (or use a wildcard that covers it), or give the host its own TLS entry and Certificate.',
      example: {
        bad: 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: site}\nspec:\n  secretName: site-tls\n  dnsNames: [shop.example.com]\n  issuerRef: {name: letsencrypt, kind: ClusterIssuer}\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  tls:\n  - hosts: [shop.example.com, www.shop.example.com]\n    secretName: site-tls\n',
        good: 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: site}\nspec:\n  secretName: site-tls\n  dnsNames: [shop.example.com, www.shop.example.com]\n  issuerRef: {name: letsencrypt, kind: ClusterIssuer}\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  tls:\n  - hosts: [shop.example.com, www.shop.example.com]\n    secretName: site-tls\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    for (const ing of ingressesOf(model)) {
      if (ing.namespace === undefined || hasShimAnnotations(ing)) continue;
      asArray(asRecord(ing.raw['spec'])?.['tls']).forEach((raw, i) => {
        const entry = asRecord(raw);
        const secret = asString(entry?.['secretName']);
        if (!entry || !secret) return;
        const certs = certificatesForSecret(model, ing.namespace as string, secret);
        if (!certs.length) return;
        const names = certs.flatMap(certificateNames);
        // A Certificate without names is another rule's business (cert-manager rejects it).
        if (!names.length) return;
        asArray(entry['hosts']).forEach((h, j) => {
          if (typeof h !== 'string' || !h) return;
          if (names.some((n) => nameCovers(n, h))) return;
          ctx.report({
            object: ing,
            path: ['spec', 'tls', i, 'hosts', j],
            message: `Ingress ${ing.name}: host '${h}' uses Secret '${secret}', whose Certificate ${certs
              .map((c) => c.name)
              .join(
                ', ',
              )} is issued for ${names.join(', ')} only; clients connecting to '${h}' reject the certificate.`,
            related: certs.map((c) => ({
              object: c,
              path: ['spec', 'dnsNames'],
              message: `Certificate ${c.id}`,
            })),
          });
        });
      });
    }
  },
};
