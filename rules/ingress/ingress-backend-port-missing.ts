import type { Rule } from '../../src/engine/types';
import { findServicePort } from '../../src/model/service-ports';
import { describeRef, isExternalName, portSummary, serviceBackends } from './backends';

export const ingressBackendPortMissing: Rule = {
  meta: {
    id: 'ingress-backend-port-missing',
    description: 'Ingress backend port is not a port of the Service',
    details:
      'Reports an Ingress backend whose port.number is not a port of the Service, or whose port.name (servicePort in ' +
      'v1beta1) is not one of its port names. ExternalName Services are not checked.',
    severity: 'error',
    tags: ['ingress', 'service', 'ports'],
    docs: {
      why: 'The controller finds no endpoints for a Service port that does not exist, and answers 503.',
      symptoms: ['503 Service Temporarily Unavailable', 'service "web" does not have any active endpoint'],
      fix: "Use the Service's port (not the container's targetPort) or its port name.",
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  defaultBackend:\n    service: {name: web, port: {number: 8080}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{name: http, port: 80, targetPort: 8080}]\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  defaultBackend:\n    service: {name: web, port: {name: http}}\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    for (const { ing, backend: b, svc } of serviceBackends(model)) {
      if (!svc || isExternalName(svc) || findServicePort(svc, b.port)) continue;
      const field = b.legacy ? ['servicePort'] : ['service', 'port'];
      ctx.report({
        object: ing,
        path: [...b.path, ...field],
        message:
          b.port === undefined
            ? `Ingress ${ing.name} → Service ${b.serviceName}: no port given, and Service ${b.serviceName} has several (${portSummary(svc)}); name one.`
            : `Ingress ${ing.name} → Service ${describeRef(b.serviceName, b.port)}: Service ${b.serviceName} has ${portSummary(svc)} only. Use one of its ports${typeof b.port === 'number' ? ' (the Service port, not the container port)' : ''}.`,
        related: [{ object: svc, path: ['spec', 'ports'], message: `ports of Service ${svc.id}` }],
      });
    }
  },
};
