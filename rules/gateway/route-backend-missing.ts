import { servicesIn } from '../../src/engine/related';
import type { Rule } from '../../src/engine/types';
import { serviceRefs } from '../../src/model/gateway';
import { findServicePort } from '../../src/model/service-ports';
import { backendService, describeRef, isExternalName, portSummary } from '../ingress/backends';

export const routeBackendMissing: Rule = {
  meta: {
    id: 'route-backend-missing',
    description: 'Gateway API route backend Service does not exist',
    details:
      'Reports a backendRef of an HTTPRoute, GRPCRoute, TLSRoute, TCPRoute or UDPRoute (kind Service by default, in ' +
      'the route namespace unless given), or the backendRef of a RequestMirror filter, naming a Service that is not ' +
      'in the input, with the closed-world levels of ingress-backend-missing (an error only for a likely typo among ' +
      'Services near the route).',
    severity: 'error',
    tags: ['gateway-api', 'service'],
    docs: {
      why: 'The Gateway cannot forward to a missing Service: the route reports ResolvedRefs=False and requests get 500 or 503.',
      symptoms: ['ResolvedRefs False: BackendNotFound', 'HTTP 500 from the gateway'],
      fix: 'Create the Service, or fix the backendRef name and namespace.',
      example: {
        bad: 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: site}\nspec:\n  parentRefs: [{name: gw}]\n  rules:\n  - backendRefs: [{name: wbe, port: 80}]\n',
        good: 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: site}\nspec:\n  parentRefs: [{name: gw}]\n  rules:\n  - backendRefs: [{name: web, port: 80}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    for (const ref of serviceRefs(model)) {
      const { route } = ref;
      if (backendService(model, route, ref.namespace, ref.name)) continue;
      // The closed-world rule (closed-world.ts), as for Ingress backends and parent Gateways.
      const verdict = model.judgeMissing(
        { group: '', kind: 'Service', namespace: ref.namespace, name: ref.name },
        route,
      );
      ctx.report({
        object: route,
        path: [...ref.path, 'name'],
        severity: verdict.level,
        message:
          `${route.kind} ${route.name} → ${ref.mirror ? 'mirror ' : ''}Service ${describeRef(ref.name, ref.port)}: no Service '${ref.name}' in namespace '${ref.namespace}'` +
          (verdict.level === 'error' ? "; the route's backend is unresolved." : ' in the input.') +
          verdict.reason,
        related: servicesIn(model, ref.namespace),
      });
    }
  },
};

export const routeBackendPortMissing: Rule = {
  meta: {
    id: 'route-backend-port-missing',
    description: 'Gateway API route backend port is not a Service port',
    details:
      'Reports a Service backendRef (or RequestMirror backendRef) without a port, which the API server rejects ' +
      '("Must have port for Service reference") whether or not the Service is in the input, and one with a port the ' +
      'Service does not have.',
    severity: 'error',
    tags: ['gateway-api', 'service', 'ports'],
    docs: {
      why: 'The Gateway forwards to the Service port named in the backendRef; a port the Service lacks leaves the route without endpoints.',
      symptoms: ['ResolvedRefs False', 'HTTP 503 from the gateway'],
      fix: "Set backendRefs[].port to one of the Service's ports (the Service port, not the container port).",
      example: {
        bad: 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: site}\nspec:\n  parentRefs: [{name: gw}]\n  rules:\n  - backendRefs: [{name: web, port: 8080}]\n',
        good: 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: site}\nspec:\n  parentRefs: [{name: gw}]\n  rules:\n  - backendRefs: [{name: web, port: 80}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    for (const ref of serviceRefs(model)) {
      const { route } = ref;
      const target = `${route.kind} ${route.name} → ${ref.mirror ? 'mirror ' : ''}Service`;
      const svc = backendService(model, route, ref.namespace, ref.name);
      if (ref.port === undefined) {
        // A CEL rule of BackendObjectReference (apis/v1/object_reference_types.go): the API server
        // rejects the route whether or not the Service exists or is ExternalName.
        ctx.report({
          object: route,
          path: ref.path,
          message:
            `${target} ${ref.name}: a Service backendRef needs a port; the API server rejects the ${route.kind} ` +
            `("Must have port for Service reference")` +
            (svc && !isExternalName(svc) ? ` (Service ${ref.name} has ${portSummary(svc)}).` : '.'),
          related: svc
            ? [{ object: svc, path: ['spec', 'ports'], message: `ports of Service ${svc.id}` }]
            : [],
        });
        continue;
      }
      if (!svc || isExternalName(svc)) continue;
      if (!findServicePort(svc, ref.port)) {
        ctx.report({
          object: route,
          path: [...ref.path, 'port'],
          message: `${target} ${describeRef(ref.name, ref.port)}: Service ${ref.name} has ${portSummary(svc)} only.`,
          related: [{ object: svc, path: ['spec', 'ports'], message: `ports of Service ${svc.id}` }],
        });
      }
    }
  },
};
