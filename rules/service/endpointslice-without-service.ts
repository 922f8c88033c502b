import type { Rule } from '../../src/engine/types';
import type { KObject } from '../../src/model/object';
import { asRecord, asString } from '../../src/util/values';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export const endpointsliceWithoutService: Rule = {
  meta: {
    id: 'endpointslice-without-service',
    description: 'Hand-made endpoints and their Service do not pair up',
    details:
      'Reports EndpointSlices whose kubernetes.io/service-name label, or Endpoints whose name, names no Service in ' +
      'their namespace; and a Service without selector (not ExternalName) for which the input has no EndpointSlices ' +
      'or Endpoints. Notes only: the other half may be created by a controller.',
    severity: 'note',
    tags: ['service', 'endpoints'],
    docs: {
      why:
        'A Service without a selector gets endpoints only from EndpointSlices (or Endpoints) someone creates, ' +
        'linked by the kubernetes.io/service-name label. If the label names another Service, or the slices are ' +
        'missing, the Service routes nowhere.',
      symptoms: [
        'connect: connection refused',
        'kubectl get endpointslices -l kubernetes.io/service-name=db shows nothing',
      ],
      fix: "Label each EndpointSlice with kubernetes.io/service-name: <the Service's name>, in the Service's namespace.",
      example: {
        bad: 'apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  ports: [{port: 5432}]\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: db-1\n  labels: {kubernetes.io/service-name: database}\naddressType: IPv4\nendpoints: [{addresses: [10.0.0.5]}]\n',
        good: 'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: db-1\n  labels: {kubernetes.io/service-name: db}\naddressType: IPv4\nendpoints: [{addresses: [10.0.0.5]}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const served = new Set<string>();
    const check = (obj: KObject, serviceName: string | undefined, path: (string | number)[]) => {
      if (obj.namespace === undefined || !serviceName) return;
      served.add(`${obj.namespace}/${serviceName}`);
      if (model.get('', 'Service', obj.namespace, serviceName)) return;
      ctx.report({
        object: obj,
        path,
        message: `${obj.kind} ${obj.name} belongs to Service '${serviceName}', which is not in namespace '${obj.namespace}' in the input; unless something else creates it, these endpoints serve nothing.`,
      });
    };
    for (const slice of model.ofKind('discovery.k8s.io', 'EndpointSlice')) {
      check(slice, slice.labels[SERVICE_NAME_LABEL], ['metadata', 'labels', SERVICE_NAME_LABEL]);
    }
    for (const ep of model.ofKind('', 'Endpoints')) check(ep, ep.name, ['metadata', 'name']);
    for (const svc of model.ofKind('', 'Service')) {
      const spec = asRecord(svc.raw['spec']);
      if (!spec || asString(spec['type']) === 'ExternalName') continue;
      const sel = asRecord(spec['selector']);
      if (sel && Object.keys(sel).length > 0) continue;
      if (served.has(`${svc.namespace}/${svc.name}`)) continue;
      ctx.report({
        object: svc,
        path: ['spec'],
        message: `Service ${svc.name} has no selector and the input has no EndpointSlice (label ${SERVICE_NAME_LABEL}: ${svc.name}) or Endpoints for it; it routes nowhere unless a controller or a person adds endpoints.`,
      });
    }
  },
};
