import { podOwners } from '../../src/engine/related';
import { describeProviders } from '../../src/model/providers';
import type { Rule } from '../../src/engine/types';
import { resolveTargetPort, serviceSelector } from '../../src/model/service-ports';
import { findServicePort } from '../../src/model/service-ports';
import { describeRef, isExternalName, serviceBackends } from './backends';

export const ingressBackendNoEndpoints: Rule = {
  meta: {
    id: 'ingress-backend-no-endpoints',
    description: 'Ingress backend Service has no pods behind the port',
    details:
      'Reports an Ingress backend whose Service exists but selects no pod in the input, or whose targetPort names a ' +
      'port no selected container defines. Services without selector and ExternalName Services are not checked. ' +
      'This follows the chain Ingress → Service → port → targetPort → container with the same resolution as ' +
      'service-selector-no-match and service-target-port-missing.',
    severity: 'warning',
    tags: ['ingress', 'service'],
    docs: {
      why: 'The route is correct up to the Service, but the Service routes to nothing: every request on the path fails.',
      symptoms: ['503 Service Temporarily Unavailable', 'no endpoints available for service "web"'],
      fix: "Fix the Service's selector or targetPort so that it reaches the pods (see service-selector-no-match and service-target-port-missing).",
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  defaultBackend:\n    service: {name: web, port: {number: 80}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: webb}\n  ports: [{port: 80}]\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    for (const { ing, backend: b, svc } of serviceBackends(model)) {
      if (!svc || isExternalName(svc) || !serviceSelector(svc)) continue;
      const sp = findServicePort(svc, b.port);
      if (!sp) continue; // ingress-backend-port-missing
      const pods = model.servicePods(svc).filter((p) => p.origin !== 'cluster');
      const chain = `Ingress ${ing.name} → Service ${describeRef(b.serviceName, b.port)}`;
      const related = [{ object: svc, path: ['spec', 'selector'], message: `Service ${svc.id}` }];
      if (pods.length === 0) {
        // As service-selector-no-match judges the Service: nothing without workloads near it or
        // for a TrafficSplit apex; lower when custom resources may create the pods.
        if (!model.describesPodsNear(ing.namespace, svc) || model.isTrafficSplitApex(svc)) continue;
        const providers = model.outsideProviders(ing.namespace, { selector: serviceSelector(svc)! }, svc);
        const level = providers.likely ? 'note' : providers.creators.length ? 'warning' : undefined;
        ctx.report({
          object: ing,
          path: b.path,
          ...(level ? { severity: level } : {}),
          message:
            `${chain}: the Service selects no pod in the input, so requests on this path fail (503).` +
            describeProviders(providers, 'pods'),
          related,
        });
        continue;
      }
      if (pods.every((p) => resolveTargetPort(sp, p).kind === 'name-missing')) {
        ctx.report({
          object: ing,
          path: b.path,
          message: `${chain} → targetPort '${String(sp.targetPort)}': no container of the selected pods defines it, so the Service has no endpoints for this port.`,
          related: [...related, ...podOwners(pods, (p) => `pods of ${p.owner.id}`)],
        });
      }
    }
  },
};
