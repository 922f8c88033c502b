import { servicesIn } from '../../src/engine/related';
import type { Rule } from '../../src/engine/types';
import { clusterDomain } from '../../src/istio/hosts';
import { describeDestination, resolvedDestinations } from './destinations';

const SYMPTOMS = [
  '503 NR',
  '503 NC',
  'no healthy upstream',
  'istioctl analyze: IST0101 ReferencedResourceNotFound',
];

export const istioDestinationMissing: Rule = {
  meta: {
    id: 'istio-destination-missing',
    description: 'Istio VirtualService destination host is not a visible Service or ServiceEntry',
    details:
      'Reports a VirtualService route or mirror destination whose host, resolved as Istio does (a short name in the ' +
      "VirtualService's namespace with the cluster's DNS domain; a name with a dot as written), is neither a Service " +
      'nor a ServiceEntry host in the input, or is one that its exportTo hides from the VirtualService namespace. A ' +
      'missing Service follows the closed-world levels of ingress-backend-missing (an error only for a likely typo ' +
      'among Services near the VirtualService); another host without a ServiceEntry is a note, since registries ' +
      'outside the input (other clusters, Consul) may hold it.',
    severity: 'error',
    tags: ['istio', 'service'],
    docs: {
      why:
        "Istio routes only to hosts in its service registry: Kubernetes Services and ServiceEntries exported to the route's " +
        'namespace. A destination outside it has no Envoy cluster, so the route answers 503 (NR or NC) for every request. ' +
        'Names with a dot are not expanded: `reviews.prod` is not `reviews.prod.svc.cluster.local`.',
      symptoms: SYMPTOMS,
      fix:
        'Fix the host (a short Service name in the same namespace, or `<name>.<namespace>.svc.<cluster domain>`), create the ' +
        'Service, add a ServiceEntry for an external host, or export the Service (`networking.istio.io/exportTo`) to the namespace.',
      example: {
        bad:
          'apiVersion: v1\nkind: Service\nmetadata: {name: reviews, namespace: shop}\nspec:\n  selector: {app: reviews}\n  ports: [{name: http, port: 9080}]\n---\n' +
          'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews, namespace: shop}\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reveiws}\n',
        good:
          'apiVersion: v1\nkind: Service\nmetadata: {name: reviews, namespace: shop}\nspec:\n  selector: {app: reviews}\n  ports: [{name: http, port: 9080}]\n---\n' +
          'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews, namespace: shop}\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews}\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const domain = clusterDomain(model, ctx.cluster);
    for (const { d, found } of resolvedDestinations(model, ctx.cluster)) {
      if ((found.service && found.serviceVisible) || found.entries.length > 0) continue;
      const path = [...d.path, 'host'];
      const what = describeDestination(d);
      if (found.service) {
        ctx.report({
          object: d.vs,
          path,
          message: `${what}: Service ${found.service.id} is not exported to namespace '${d.vs.namespace}' (networking.istio.io/exportTo), so Istio has no route to it there.`,
          related: [
            {
              object: found.service,
              path: ['metadata', 'annotations'],
              message: `exportTo of ${found.service.id}`,
            },
          ],
        });
        continue;
      }
      if (found.hiddenEntries.length > 0) {
        const se = found.hiddenEntries[0]!;
        ctx.report({
          object: d.vs,
          path,
          message: `${what}: ServiceEntry ${se.id} declares the host but its exportTo hides it from namespace '${d.vs.namespace}'.`,
          related: [{ object: se, path: ['spec', 'exportTo'], message: `exportTo of ${se.id}` }],
        });
        continue;
      }
      if (found.serviceRef) {
        const ref = found.serviceRef;
        const verdict = model.judgeMissing(
          { group: '', kind: 'Service', namespace: ref.namespace, name: ref.name },
          d.vs,
        );
        ctx.report({
          object: d.vs,
          path,
          severity: verdict.level,
          message:
            `${what}: no Service '${ref.name}' in namespace '${ref.namespace}'` +
            (verdict.level === 'error'
              ? ' and no ServiceEntry for it: Istio answers 503 for this route.'
              : ' in the input.') +
            verdict.reason,
          related: servicesIn(model, ref.namespace),
        });
        continue;
      }
      // `reviews.prod`: Istio takes a dotted name literally, unlike the pod's DNS search path.
      const parts = found.fqdn.split('.');
      const svc =
        parts.length === 2
          ? model.getNearest('', 'Service', parts[1] as string, parts[0] as string, d.vs)
          : undefined;
      if (svc) {
        ctx.report({
          object: d.vs,
          path,
          message: `${what}: Istio takes a host with a dot as written and has no '${found.fqdn}'; for Service ${svc.id} write '${parts[0]}.${parts[1]}.svc.${domain}'.`,
          related: [{ object: svc, path: ['metadata', 'name'], message: `Service ${svc.id}` }],
        });
        continue;
      }
      ctx.report({
        object: d.vs,
        path,
        severity: 'note',
        message:
          `${what}: '${found.fqdn}' is neither a Service (<name>.<namespace>.svc.${domain}) nor a ServiceEntry host in the input. ` +
          'Istio routes only to hosts in its registry; if no ServiceEntry or other registry provides it, the route answers 503.',
      });
    }
  },
};
