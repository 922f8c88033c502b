import type { Rule } from '../../src/engine/types';
import { gatewayRefs, serviceEntryPorts } from '../../src/istio/resources';
import { isNear } from '../../src/model/proximity';
import { findServicePort, servicePorts } from '../../src/model/service-ports';
import { isExternalName, portSummary } from '../ingress/backends';
import { describeDestination, resolvedDestinations } from './destinations';

export const istioDestinationPortMissing: Rule = {
  meta: {
    id: 'istio-destination-port-missing',
    description: 'Istio VirtualService destination port is not a Service port, or is missing',
    details:
      'Reports a VirtualService destination whose port.number is not a port of the Service (or ServiceEntry) it names, ' +
      'and, as a warning, a destination without a port to a Service with several ports in a VirtualService bound to a ' +
      'Gateway (istioctl analyze IST0112): the gateway cannot take the port from the request as sidecars do.',
    severity: 'error',
    tags: ['istio', 'service', 'ports'],
    docs: {
      why:
        'The destination port selects the Service port Envoy sends to. A number the Service lacks leaves the route without ' +
        "endpoints; behind a gateway a multi-port Service needs the port named, since the gateway's own port is not the " +
        "Service's.",
      symptoms: [
        'no healthy upstream',
        '503 UH',
        'istioctl analyze: IST0112 VirtualServiceDestinationPortSelectorRequired',
      ],
      fix: 'Set destination.port.number to one of the Service ports (the Service port, not the container port).',
      example: {
        bad:
          'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: 8080}]\n---\n' +
          'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web}\nspec:\n  hosts: [web]\n  http:\n  - route:\n    - destination: {host: web, port: {number: 8080}}\n',
        good:
          'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: 8080}]\n---\n' +
          'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web}\nspec:\n  hosts: [web]\n  http:\n  - route:\n    - destination: {host: web, port: {number: 80}}\n',
      },
    },
  },
  check(ctx) {
    for (const { d, found } of resolvedDestinations(ctx.model, ctx.cluster)) {
      const what = describeDestination(d);
      const svc = found.service && found.serviceVisible ? found.service : undefined;
      if (svc && !isExternalName(svc)) {
        const related = [{ object: svc, path: ['spec', 'ports'], message: `ports of Service ${svc.id}` }];
        if (d.port !== undefined) {
          // A ServiceEntry may declare the same host with other ports.
          if (
            findServicePort(svc, d.port) ||
            found.entries.some((se) => serviceEntryPorts(se).includes(d.port as number))
          )
            continue;
          // A Service far from the VirtualService (another folder, a kustomize base) may be patched or
          // replaced by the overlay that applies the VirtualService: then the input proves nothing.
          const near = isNear(svc, d.vs);
          ctx.report({
            object: d.vs,
            path: [...d.path, 'port', 'number'],
            ...(near ? {} : { severity: 'note' as const }),
            message:
              `${what}: Service ${svc.id} has ${portSummary(svc)} only; Istio finds no endpoints for port ${d.port} and answers 503.` +
              (near
                ? ''
                : ' The Service is defined in another folder; if an overlay patches its ports, lint the built output.'),
            related,
          });
        } else if (servicePorts(svc).length > 1 && gatewayRefs(d.vs).length > 0) {
          ctx.report({
            object: d.vs,
            path: d.path,
            severity: 'warning',
            message: `${what}: Service ${svc.id} has several ports (${portSummary(svc)}) and the VirtualService is bound to a Gateway; name the port (destination.port.number), or the gateway's route is undefined.`,
            related,
          });
        }
        continue;
      }
      if (!svc && d.port !== undefined && found.entries.length > 0) {
        const ports = found.entries.flatMap(serviceEntryPorts);
        if (ports.length === 0 || ports.includes(d.port)) continue;
        const se = found.entries[0];
        if (!se) continue;
        ctx.report({
          object: d.vs,
          path: [...d.path, 'port', 'number'],
          message: `${what}: ServiceEntry ${se.id} declares ports ${[...new Set(ports)].join(', ')} only.`,
          related: [{ object: se, path: ['spec', 'ports'], message: `ports of ${se.id}` }],
        });
      }
    }
  },
};
