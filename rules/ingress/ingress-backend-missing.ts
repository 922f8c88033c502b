import { servicesIn } from '../../src/engine/related';
import type { Rule } from '../../src/engine/types';
import { describeRef, serviceBackends } from './backends';

export const ingressBackendMissing: Rule = {
  meta: {
    id: 'ingress-backend-missing',
    description: 'Ingress backend Service does not exist',
    details:
      'Reports an Ingress rule or default backend naming a Service that is not in the Ingress namespace. An ' +
      'Ingress cannot reach Services in other namespaces; when a Service of that name exists elsewhere, the message ' +
      'says where. Otherwise the closed-world rule sets the level: an error only when Services near the Ingress ' +
      'include a name a typo away; a warning when other Services are near; a note when none is, or when a custom ' +
      "resource of the namespace is the name's stem or the name follows an operator's convention (<cluster>-head-svc). " +
      'Resource backends and ALB action backends (port use-annotation) are legitimate and not checked.',
    severity: 'error',
    tags: ['ingress', 'service'],
    docs: {
      why: 'The controller has nowhere to send the request and answers with an error page for every request on that path.',
      symptoms: [
        '503 Service Temporarily Unavailable',
        'default backend - 404',
        'service "shop/web" not found',
      ],
      fix: 'Create the Service in the Ingress namespace, fix the name, or move the Ingress next to the Service.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site, namespace: shop}\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service: {name: web, port: {number: 80}}\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    for (const { ing, backend: b, svc } of serviceBackends(model)) {
      if (svc) continue;
      const elsewhere = model
        .ofKind('', 'Service')
        .filter((s) => s.name === b.serviceName && s.namespace !== ing.namespace);
      // In another namespace, the input itself shows the mistake; otherwise the closed-world rule
      // decides (closed-world.ts): a note when the namespace has no Service or an operator may create
      // it, an error only for a likely typo.
      const verdict = elsewhere.length
        ? undefined
        : model.judgeMissing(
            { group: '', kind: 'Service', namespace: ing.namespace, name: b.serviceName },
            ing,
          );
      ctx.report({
        object: ing,
        path: [...b.path, ...(b.legacy ? ['serviceName'] : ['service', 'name'])],
        ...(verdict ? { severity: verdict.level } : {}),
        message:
          `Ingress ${ing.name} → Service ${describeRef(b.serviceName, b.port)}: no Service '${b.serviceName}' in namespace '${ing.namespace}'` +
          (elsewhere.length
            ? ` (one exists in namespace '${elsewhere.map((s) => s.namespace).join("', '")}', but an Ingress only reaches Services of its own namespace)`
            : '') +
          (verdict && verdict.level !== 'error'
            ? ' in the input.'
            : '. Requests on this path get an error page.') +
          (verdict?.reason ?? ''),
        related: [
          ...elsewhere
            .slice(0, 3)
            .map((s) => ({ object: s, path: ['metadata', 'name'], message: `Service ${s.id}` })),
          // A Service renamed or removed in a changed file: the Services of the namespace it left.
          ...servicesIn(model, ing.namespace),
        ],
      });
    }
  },
};
