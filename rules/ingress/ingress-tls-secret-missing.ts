import { isNear } from '../../src/model/proximity';
import type { Rule } from '../../src/engine/types';
import { ingressesOf } from '../../src/model/ingress';
import { asArray, asRecord, asString } from '../../src/util/values';

const CERT_MANAGER_ANNOTATIONS = [
  'cert-manager.io/issuer',
  'cert-manager.io/cluster-issuer',
  'kubernetes.io/tls-acme',
];

export const ingressTlsSecretMissing: Rule = {
  meta: {
    id: 'ingress-tls-secret-missing',
    description: 'Ingress TLS secret is not in the input',
    details:
      'Reports an Ingress tls[].secretName that no Secret in the Ingress namespace provides: a warning when the input ' +
      'holds Secrets of that namespace (so the missing one stands out), a note otherwise. A Secret that cert-manager ' +
      'will create counts as present: a Certificate with that secretName, or cert-manager annotations on the Ingress.',
    severity: 'warning',
    tags: ['ingress', 'tls'],
    docs: {
      why: 'Without the Secret the controller serves its default, self-signed certificate: browsers and clients reject the host.',
      symptoms: [
        'x509: certificate is valid for ingress.local, not shop.example.com',
        'Kubernetes Ingress Controller Fake Certificate',
      ],
      fix: 'Create the TLS Secret in the Ingress namespace, or let cert-manager issue it (Certificate or cert-manager.io/cluster-issuer annotation).',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  tls:\n  - hosts: [shop.example.com]\n    secretName: shop-tls\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: site\n  annotations:\n    cert-manager.io/cluster-issuer: letsencrypt\nspec:\n  tls:\n  - hosts: [shop.example.com]\n    secretName: shop-tls\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const secrets = new Set(model.ofKind('', 'Secret').map((s) => `${s.namespace}/${s.name}`));
    const certificates = new Set(
      model
        .ofKind('cert-manager.io', 'Certificate')
        .map((c) => `${c.namespace}/${asString(asRecord(c.raw['spec'])?.['secretName']) ?? ''}`),
    );
    for (const ing of ingressesOf(model)) {
      if (ing.namespace === undefined) continue;
      if (CERT_MANAGER_ANNOTATIONS.some((a) => ing.annotations[a] !== undefined)) continue;
      asArray(asRecord(ing.raw['spec'])?.['tls']).forEach((t, i) => {
        const name = asString(asRecord(t)?.['secretName']);
        if (!name) return;
        const key = `${ing.namespace}/${name}`;
        if (secrets.has(key) || certificates.has(key)) return;
        // Closed world (closed-world.ts): only Secrets near the Ingress make a missing one likely
        // a mistake; Secrets are often created out of band (sealed, external, by hand).
        const known = model.ofKind('', 'Secret').some((s) => s.namespace === ing.namespace && isNear(s, ing));
        ctx.report({
          object: ing,
          path: ['spec', 'tls', i, 'secretName'],
          severity: known ? 'warning' : 'note',
          message: `Ingress ${ing.name}: TLS Secret '${name}' is not in namespace '${ing.namespace}'${known ? ' (other Secrets of that namespace near it are)' : ' in the input'}, and no cert-manager Certificate or annotation creates it; the controller would serve its default certificate.`,
        });
      });
    }
  },
};
