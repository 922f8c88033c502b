import type { Rule } from '../../src/engine/types';
import { serviceRefs } from '../../src/model/gateway';
import { referenceGrants, referenceGranted } from '../../src/model/reference-grants';

export const routeBackendNotPermitted: Rule = {
  meta: {
    id: 'route-backend-not-permitted',
    description: 'Cross-namespace backendRef without a ReferenceGrant',
    details:
      'Reports a route backendRef into another namespace when no ReferenceGrant in that namespace allows the route ' +
      'kind from the route namespace to reach the Service (all Services, or that one by name).',
    severity: 'error',
    tags: ['gateway-api', 'service'],
    docs: {
      why: 'Gateway API forbids cross-namespace references unless the target namespace opts in with a ReferenceGrant; otherwise the backend is refused (RefNotPermitted).',
      symptoms: ['ResolvedRefs False: RefNotPermitted', 'HTTP 500 from the gateway'],
      fix: 'Add a ReferenceGrant in the Service namespace: from the route kind and namespace, to kind Service (optionally by name).',
      example: {
        bad: 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: site, namespace: web}\nspec:\n  rules:\n  - backendRefs: [{name: api, namespace: backend, port: 80}]\n',
        good: 'apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: from-web, namespace: backend}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: web}]\n  to: [{group: "", kind: Service}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const grants = referenceGrants(model);
    for (const ref of serviceRefs(model)) {
      const { route } = ref;
      if (ref.namespace === route.namespace) continue;
      const from = { kind: route.kind, namespace: route.namespace as string };
      if (
        referenceGranted(model, from, {
          group: '',
          kind: 'Service',
          namespace: ref.namespace,
          name: ref.name,
        })
      )
        continue;
      // The grant lives with the Service. When the input holds neither the Service nor any
      // ReferenceGrant of that namespace, they are managed elsewhere and the input cannot tell.
      const svc = model.get('', 'Service', ref.namespace, ref.name);
      const known = grants.some((g) => g.namespace === ref.namespace) || svc !== undefined;
      ctx.report({
        object: route,
        path: [...ref.path, 'namespace'],
        ...(known ? {} : { severity: 'note' as const }),
        message: known
          ? `${route.kind} ${route.name} (namespace '${route.namespace}') → ${ref.mirror ? 'mirror ' : ''}Service ${ref.namespace}/${ref.name}: no ReferenceGrant in namespace '${ref.namespace}' allows ${route.kind}s from '${route.namespace}' to reach it, so the reference is refused (RefNotPermitted).`
          : `${route.kind} ${route.name} (namespace '${route.namespace}') → ${ref.mirror ? 'mirror ' : ''}Service ${ref.namespace}/${ref.name}: the input holds neither that Service nor a ReferenceGrant in namespace '${ref.namespace}'; without one that allows ${route.kind}s from '${route.namespace}', the reference is refused (RefNotPermitted).`,
        // The grants it read, and the Service whose presence makes the refusal certain.
        related: [
          ...grants
            .filter((g) => g.namespace === ref.namespace)
            .slice(0, 5)
            .map((g) => ({ object: g, path: ['spec'], message: `ReferenceGrant ${g.id}` })),
          ...(svc ? [{ object: svc, path: ['metadata', 'name'], message: `Service ${svc.id}` }] : []),
        ],
      });
    }
  },
};
