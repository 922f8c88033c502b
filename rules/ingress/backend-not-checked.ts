import type { Rule } from '../../src/engine/types';
import { GATEWAY_GROUP, backendRefs, routesOf } from '../../src/model/gateway';
import { ingressBackends, ingressesOf } from '../../src/model/ingress';

export const backendNotChecked: Rule = {
  meta: {
    id: 'backend-not-checked',
    description: 'Ingress or route backend that is not a Service, so not checked',
    details:
      'A note for an Ingress `resource` backend and a Gateway API backendRef of a kind other than core Service ' +
      "(a Gateway API ServiceImport, an implementation's Backend kind…): kube-netlint resolves Services only, so " +
      'it says that it did not check these rather than staying silent.',
    severity: 'note',
    tags: ['ingress', 'gateway-api'],
    docs: {
      why: 'Controllers resolve these backends in their own way; whether the referent exists and serves traffic cannot be checked from Service semantics, and silence would read as "checked".',
      symptoms: ['ResolvedRefs False: InvalidKind', 'ResolvedRefs False: BackendNotFound'],
      fix: 'Nothing to fix when the controller supports the kind; otherwise point the backend at a Service.',
      example: {
        bad: 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: site}\nspec:\n  rules:\n  - backendRefs: [{group: example.com, kind: Backend, name: ext}]\n',
        good: 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: site}\nspec:\n  rules:\n  - backendRefs: [{name: web, port: 80}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    for (const ing of ingressesOf(model)) {
      for (const b of ingressBackends(ing)) {
        // ALB actions (use-annotation) are read as resource backends but have no resource field.
        if (!b.resource || b.resourceKind === undefined) continue;
        ctx.report({
          object: ing,
          path: [...b.path, 'resource'],
          message: `Ingress ${ing.name}: backend resource ${b.resourceKind} is not a Service; kube-netlint does not check that it exists or what it serves.`,
        });
      }
    }
    for (const route of routesOf(model)) {
      for (const ref of backendRefs(route)) {
        if (ref.group === '' && ref.kind === 'Service') continue;
        const kind = ref.group ? `${ref.kind}.${ref.group}` : ref.kind;
        ctx.report({
          object: route,
          path: ref.path,
          message:
            `${route.kind} ${route.name}: ${ref.mirror ? 'mirror ' : ''}backendRef ${kind} ${ref.namespace}/${ref.name} is not a Service; ` +
            `kube-netlint does not check that it exists or is permitted` +
            (ref.group === GATEWAY_GROUP || ref.group === ''
              ? '.'
              : " (support for the kind is the implementation's)."),
        });
      }
    }
  },
};
