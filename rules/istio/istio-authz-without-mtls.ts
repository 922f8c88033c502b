import type { Rule } from '../../src/engine/types';
import { namespaceMembership, podMembership } from '../../src/istio/injection';
import { effectiveMode, rootNamespace } from '../../src/istio/mtls';
import { ISTIO_SECURITY, istioObjects } from '../../src/istio/resources';
import { parseLabelSelector } from '../../src/model/labels';
import type { PodTemplate } from '../../src/model/pods';
import { asArray, asRecord, asString, getPath, isRecord } from '../../src/util/values';

/** Source fields that only mutual TLS fills in (the peer certificate's identity). */
const MTLS_FIELDS = ['principals', 'namespaces'] as const;

export const istioAuthzWithoutMtls: Rule = {
  meta: {
    id: 'istio-authz-without-mtls',
    description: 'Istio AuthorizationPolicy matches principals or namespaces where mTLS is off',
    details:
      'Reports an ALLOW AuthorizationPolicy source that uses `principals` or `namespaces` while PeerAuthentication sets ' +
      'mTLS DISABLE for every workload the policy applies to (resolved per pod: workload, namespace, mesh policy). Both ' +
      "fields come from the client's mTLS certificate; plaintext requests have none, so the source never matches.",
    severity: 'error',
    tags: ['istio', 'mtls', 'authorization'],
    docs: {
      why:
        'Istio takes `principals` and `namespaces` from the peer certificate of mutual TLS. With mTLS disabled there is no ' +
        'certificate: the rule never matches, and a workload with an ALLOW policy denies what no other rule allows.',
      symptoms: ['RBAC: access denied', 'HTTP 403 on every request'],
      fix: 'Turn mTLS on (PERMISSIVE or STRICT) for the workload, or match on something plaintext carries (ipBlocks, request headers).',
      example: {
        bad:
          'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: shop}\nspec:\n  mtls: {mode: DISABLE}\n---\n' +
          'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: from-front, namespace: shop}\nspec:\n  rules:\n  - from:\n    - source: {namespaces: [front]}\n',
        good:
          'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: shop}\nspec:\n  mtls: {mode: STRICT}\n---\n' +
          'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: from-front, namespace: shop}\nspec:\n  rules:\n  - from:\n    - source: {namespaces: [front]}\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const root = rootNamespace(model);
    for (const ap of istioObjects(model, ISTIO_SECURITY, 'AuthorizationPolicy')) {
      const action = (asString(getPath(ap.raw, ['spec', 'action'])) ?? 'ALLOW').toUpperCase();
      // targetRefs (waypoints, gateways) apply elsewhere than the namespace's own pods.
      if (action !== 'ALLOW' || getPath(ap.raw, ['spec', 'targetRefs']) !== undefined) continue;
      const sources: { path: (string | number)[]; field: string }[] = [];
      asArray(getPath(ap.raw, ['spec', 'rules'])).forEach((rule, i) => {
        asArray(asRecord(rule)?.['from']).forEach((from, j) => {
          const source = asRecord(asRecord(from)?.['source']);
          for (const field of MTLS_FIELDS)
            if (isRecord(source) && asArray(source[field]).length > 0)
              sources.push({ path: ['spec', 'rules', i, 'from', j, 'source', field], field });
        });
      });
      if (sources.length === 0) continue;
      // A policy in the root namespace without selector applies to the whole mesh: not judged.
      const rawSelector = getPath(ap.raw, ['spec', 'selector']);
      if (ap.namespace === root && rawSelector === undefined) continue;
      // With a selector in the root namespace it selects workloads of every namespace (Istio docs).
      const selector = parseLabelSelector(rawSelector);
      const pods: PodTemplate[] =
        ap.namespace === root ? model.selectPodsAnywhere(selector) : model.selectPods(selector, ap.namespace);
      const modes = pods.length
        ? pods
            .filter((p) => podMembership(model, p) !== 'outside')
            .map((p) => effectiveMode(model, p.namespace, p.labels))
        : namespaceMembership(model, ap.namespace) === 'outside'
          ? []
          : [effectiveMode(model, ap.namespace, undefined)];
      if (modes.length === 0 || modes.some((m) => m.uncertain || m.mode !== 'DISABLE')) continue;
      const pa = modes[0]?.sources[0];
      for (const s of sources) {
        ctx.report({
          object: ap,
          path: s.path,
          message:
            `AuthorizationPolicy ${ap.name} allows by source ${s.field}, but mTLS is DISABLE for the workloads it applies to` +
            `${pa ? ` (PeerAuthentication ${pa.id})` : ''}: plaintext requests carry no peer identity, so this source never matches ` +
            '(RBAC: access denied).',
          related: pa ? [{ object: pa, path: ['spec', 'mtls'], message: `PeerAuthentication ${pa.id}` }] : [],
        });
      }
    }
  },
};
