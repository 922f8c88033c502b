import type { Rule } from '../../src/engine/types';
import type { FieldPath } from '../../src/load/types';
import { listenerOwners, listenersOf } from '../../src/model/gateway';
import type { KObject } from '../../src/model/object';
import { referenceGranted, referenceGrants } from '../../src/model/reference-grants';
import { asArray, asRecord, asString, isRecord } from '../../src/util/values';

interface CertRef {
  group: string;
  kind: string;
  name: string;
  namespace: string;
  path: FieldPath;
  what: string;
}

/** One object reference at `path`; SecretObjectReference defaults group "" and kind Secret. */
function refAt(owner: KObject, raw: unknown, path: FieldPath, what: string): CertRef[] {
  if (!isRecord(raw)) return [];
  const name = asString(raw['name']);
  if (!name) return [];
  return [
    {
      group: asString(raw['group']) ?? '',
      kind: asString(raw['kind']) ?? 'Secret',
      name,
      namespace: asString(raw['namespace']) ?? (owner.namespace as string),
      path,
      what,
    },
  ];
}

const refsAt = (owner: KObject, list: unknown, path: FieldPath, what: string): CertRef[] =>
  asArray(list).flatMap((r, j) => refAt(owner, r, [...path, j], what));

/**
 * The certificate and CA references of a Gateway or ListenerSet (apis/v1/gateway_types.go):
 * listeners' tls.certificateRefs ("References to a resource in different namespace are invalid
 * UNLESS there is a ReferenceGrant in the target namespace … RefNotPermitted"), the listener-level
 * frontendValidation of earlier releases, spec.tls.frontend's default and per-port
 * caCertificateRefs and spec.tls.backend.clientCertificateRef, which say the same.
 */
function certRefs(owner: KObject): CertRef[] {
  const out: CertRef[] = [];
  for (const l of listenersOf(owner)) {
    const tls = asRecord(l.raw['tls']);
    const at: FieldPath = ['spec', 'listeners', l.index, 'tls'];
    out.push(
      ...refsAt(
        owner,
        tls?.['certificateRefs'],
        [...at, 'certificateRefs'],
        `listener ${l.name} certificate`,
      ),
    );
    const fv = asRecord(tls?.['frontendValidation']);
    out.push(
      ...refsAt(
        owner,
        fv?.['caCertificateRefs'],
        [...at, 'frontendValidation', 'caCertificateRefs'],
        'client CA',
      ),
    );
  }
  const tls = asRecord(asRecord(owner.raw['spec'])?.['tls']);
  const frontend = asRecord(tls?.['frontend']);
  const def = asRecord(asRecord(frontend?.['default'])?.['validation']);
  out.push(
    ...refsAt(
      owner,
      def?.['caCertificateRefs'],
      ['spec', 'tls', 'frontend', 'default', 'validation', 'caCertificateRefs'],
      'client CA',
    ),
  );
  asArray(frontend?.['perPort']).forEach((p, k) => {
    const v = asRecord(asRecord(asRecord(p)?.['tls'])?.['validation']);
    out.push(
      ...refsAt(
        owner,
        v?.['caCertificateRefs'],
        ['spec', 'tls', 'frontend', 'perPort', k, 'tls', 'validation', 'caCertificateRefs'],
        'client CA',
      ),
    );
  });
  const backend = asRecord(tls?.['backend']);
  out.push(
    ...refAt(
      owner,
      backend?.['clientCertificateRef'],
      ['spec', 'tls', 'backend', 'clientCertificateRef'],
      'backend client certificate',
    ),
  );
  return out;
}

export const gatewayRefNotPermitted: Rule = {
  meta: {
    id: 'gateway-ref-not-permitted',
    description: 'Gateway certificate or CA in another namespace without a ReferenceGrant',
    details:
      'Reports a Gateway or ListenerSet certificateRef, client CA reference (frontend TLS validation) or backend ' +
      'client certificate in another namespace when no ReferenceGrant there allows the Gateway (or ListenerSet) ' +
      "kind from the owner's namespace to reach it; a note when the input holds neither the object nor any " +
      'ReferenceGrant of that namespace.',
    severity: 'error',
    tags: ['gateway-api', 'tls'],
    docs: {
      why: 'Gateway API refuses cross-namespace references unless the target namespace opts in with a ReferenceGrant: the listener gets ResolvedRefs=False (RefNotPermitted) and serves no TLS.',
      symptoms: [
        'ResolvedRefs False: RefNotPermitted',
        'Programmed False',
        'TLS handshake failure on the listener',
      ],
      fix: 'Add a ReferenceGrant in the Secret namespace: from group gateway.networking.k8s.io, kind Gateway and the Gateway namespace, to kind Secret (optionally by name); or copy the Secret next to the Gateway.',
      example: {
        bad: 'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: infra}\nspec:\n  gatewayClassName: example\n  listeners:\n  - name: https\n    port: 443\n    protocol: HTTPS\n    tls:\n      certificateRefs: [{name: site-cert, namespace: certs}]\n',
        good: 'apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: gateways, namespace: certs}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}]\n  to: [{group: "", kind: Secret}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const grants = referenceGrants(model);
    for (const owner of listenerOwners(model)) {
      if (owner.namespace === undefined) continue;
      for (const ref of certRefs(owner)) {
        if (ref.namespace === owner.namespace) continue;
        if (referenceGranted(model, { kind: owner.kind, namespace: owner.namespace }, ref)) continue;
        // The grant lives with the Secret: when the input holds neither, they are managed elsewhere.
        const target = model.get(ref.group, ref.kind, ref.namespace, ref.name);
        const known = grants.some((g) => g.namespace === ref.namespace) || target !== undefined;
        const head = `${owner.kind} ${owner.name} (namespace '${owner.namespace}') ${ref.what} → ${ref.kind} ${ref.namespace}/${ref.name}`;
        ctx.report({
          object: owner,
          path: ref.path,
          ...(known ? {} : { severity: 'note' as const }),
          message: known
            ? `${head}: no ReferenceGrant in namespace '${ref.namespace}' allows ${owner.kind}s from '${owner.namespace}' to reach it, so the reference is refused (ResolvedRefs=False, RefNotPermitted).`
            : `${head}: the input holds neither that ${ref.kind} nor a ReferenceGrant in namespace '${ref.namespace}'; without one that allows ${owner.kind}s from '${owner.namespace}', the reference is refused (RefNotPermitted).`,
          related: [
            ...grants
              .filter((g) => g.namespace === ref.namespace)
              .slice(0, 5)
              .map((g) => ({ object: g, path: ['spec'], message: `ReferenceGrant ${g.id}` })),
            ...(target
              ? [{ object: target, path: ['metadata', 'name'], message: `${target.kind} ${target.id}` }]
              : []),
          ],
        });
      }
    }
  },
};
