import type { Rule } from '../../src/engine/types';
import { ingressBackends, ingressesOf } from '../../src/model/ingress';
import { asRecord, getPath } from '../../src/util/values';

export const ingressBackendInvalid: Rule = {
  meta: {
    id: 'ingress-backend-invalid',
    description: 'networking.k8s.io/v1 Ingress backend written with v1beta1 fields',
    details:
      'Reports a backend of a networking.k8s.io/v1 Ingress written with serviceName/servicePort, the fields of ' +
      'extensions/v1beta1 and networking.k8s.io/v1beta1: v1 has service.name and service.port (number or name) ' +
      'instead, so the backend names no Service and the API server rejects the Ingress.',
    severity: 'error',
    tags: ['ingress'],
    docs: {
      why:
        'A common migration mistake: the apiVersion is bumped to networking.k8s.io/v1 and the backends are left ' +
        'as they were. v1 has no serviceName or servicePort, so kubectl refuses them as unknown fields (or the ' +
        'API server drops them) and the remaining backend specifies neither a service nor a resource, which v1 ' +
        'validation rejects.',
      symptoms: [
        'unknown field "serviceName" in io.k8s.api.networking.v1.IngressBackend',
        'spec.rules[0].http.paths[0].backend: Invalid value: v1.IngressBackend{...}: must specify a service or a resource',
      ],
      fix: 'Write backend.service.name and backend.service.port.number (or port.name), and set pathType on each path.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend: {serviceName: web, servicePort: 80}\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend: {service: {name: web, port: {number: 80}}}\n',
      },
    },
  },
  check(ctx) {
    for (const ing of ingressesOf(ctx.model)) {
      for (const b of ingressBackends(ing)) {
        if (!b.v1beta1Fields) continue;
        const raw = asRecord(getPath(ing.raw, b.path));
        const name = raw?.['serviceName'];
        const port = raw?.['servicePort'];
        const portField = typeof port === 'number' ? 'number' : 'name';
        ctx.report({
          object: ing,
          path: b.path,
          message:
            `Ingress ${ing.name} (${ing.apiVersion}): backend uses serviceName/servicePort, the fields of v1beta1; ` +
            `v1 has none, so this backend names no Service and the API server rejects the Ingress. Write ` +
            `service: {name: ${typeof name === 'string' ? name : '…'}, port: {${portField}: ${
              typeof port === 'number' || typeof port === 'string' ? String(port) : '…'
            }}}.`,
        });
      }
    }
  },
};
