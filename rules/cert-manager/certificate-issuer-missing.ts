import type { Rule, Severity } from '../../src/engine/types';
import { CERT_MANAGER_GROUP, issuerRefs } from '../../src/model/cert-manager';
import type { KObject } from '../../src/model/object';
import { isNear } from '../../src/model/proximity';
import { looksLikeTypo } from '../../src/util/similar';

const describe = (o: KObject): string =>
  o.namespace === undefined ? `${o.kind} ${o.name}` : `${o.kind} ${o.namespace}/${o.name}`;

export const certificateIssuerMissing: Rule = {
  meta: {
    id: 'certificate-issuer-missing',
    description: 'Certificate or cert-manager annotation names an issuer that is not in the input',
    details:
      'Reports a Certificate issuerRef, and the cert-manager.io/issuer and cert-manager.io/cluster-issuer ' +
      'annotations of Ingresses and Gateways, that name an Issuer (in the referrer’s namespace) or ClusterIssuer the ' +
      'input does not hold. An error when an issuer of the other kind, or of another namespace, has that name ' +
      '(Issuers are namespaced) or a name a typo away; a warning when other issuers are near it; a note when the ' +
      'input holds no Issuer or ClusterIssuer at all (they are often installed separately). External issuers ' +
      '(another issuerRef group) are not judged.',
    severity: 'error',
    tags: ['cert-manager', 'tls'],
    docs: {
      why:
        'cert-manager cannot find the issuer, so it never issues the certificate: the Certificate stays not ready, ' +
        'the TLS Secret is never written, and the Ingress controller serves its default certificate.',
      symptoms: [
        'Certificate … not ready: Issuing certificate as Secret does not exist',
        'Referenced "Issuer" not found: issuer.cert-manager.io "letsencrypt-prod" not found',
        'IssuerNotFound',
      ],
      fix: 'Name an existing issuer: an Issuer in the same namespace, or set issuerRef.kind: ClusterIssuer (annotation cert-manager.io/cluster-issuer) for a cluster-wide one.',
      example: {
        bad: 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: letsencrypt-prod}\nspec:\n  selfSigned: {}\n---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: site}\nspec:\n  secretName: site-tls\n  dnsNames: [shop.example.com]\n  issuerRef: {name: letsencrypt-prod}\n',
        good: 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: letsencrypt-prod}\nspec:\n  selfSigned: {}\n---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: site}\nspec:\n  secretName: site-tls\n  dnsNames: [shop.example.com]\n  issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer}\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const issuers = model.ofKind(CERT_MANAGER_GROUP, 'Issuer');
    const clusterIssuers = model.ofKind(CERT_MANAGER_GROUP, 'ClusterIssuer');
    const all = [...issuers, ...clusterIssuers];
    for (const ref of issuerRefs(model)) {
      if (ref.group !== CERT_MANAGER_GROUP || (ref.kind !== 'Issuer' && ref.kind !== 'ClusterIssuer'))
        continue;
      const what =
        ref.from.kind === 'Certificate'
          ? `Certificate ${ref.from.name}`
          : `${ref.from.kind} ${ref.from.name}`;
      const found =
        ref.kind === 'ClusterIssuer'
          ? clusterIssuers.some((c) => c.name === ref.name)
          : issuers.some((i) => i.name === ref.name && i.namespace === ref.from.namespace);
      if (found) continue;
      const report = (severity: Severity, text: string, related: readonly KObject[]): void =>
        ctx.report({
          object: ref.from,
          path: ref.path,
          severity,
          message: `${what} asks for ${ref.kind} '${ref.name}'${ref.kind === 'Issuer' ? ` in namespace '${ref.from.namespace ?? ''}'` : ''}, ${text}`,
          related: related
            .slice(0, 3)
            .map((o) => ({ object: o, path: ['metadata', 'name'], message: describe(o) })),
        });
      if (all.length === 0) {
        report(
          'note',
          'and the input holds no Issuer or ClusterIssuer at all; unless the cluster has it, the certificate is never issued. Lint the issuers together with it to check.',
          [],
        );
        continue;
      }
      // The same name under the other kind (or, for an Issuer, in another namespace): the reference
      // resolves to nothing although the author's issuer is right there.
      const sameName = all.filter((o) => o.name === ref.name);
      if (sameName.length) {
        const hint = sameName.some((o) => o.kind === 'ClusterIssuer')
          ? ref.from.kind === 'Certificate'
            ? 'set issuerRef.kind: ClusterIssuer'
            : `use the ${'cert-manager.io/cluster-issuer'} annotation`
          : 'an Issuer only serves its own namespace';
        report(
          'error',
          `which does not exist; ${sameName.map(describe).join(', ')} has that name (${hint}). The certificate is never issued.`,
          sameName,
        );
        continue;
      }
      const near = all.filter((o) => isNear(o, ref.from));
      const similar = near.find((o) => o.kind === ref.kind && looksLikeTypo(ref.name, o.name));
      if (similar) {
        report(
          'error',
          `which does not exist. Did you mean '${similar.name}'? The certificate is never issued.`,
          [similar],
        );
        continue;
      }
      report(
        near.length ? 'warning' : 'note',
        near.length
          ? `which is not in the input (it has ${near
              .slice(0, 3)
              .map(describe)
              .join(', ')} near it); unless the cluster has it, the certificate is never issued.`
          : 'which is not in the input near it; it may be installed elsewhere — lint them together to check.',
        near,
      );
    }
  },
};
