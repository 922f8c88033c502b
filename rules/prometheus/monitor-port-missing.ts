import type { Rule } from '../../src/engine/types';
import type { PodTemplate } from '../../src/model/pods';
import { monitorEndpoints, monitoredPods, monitoredServices, monitorsOf } from '../../src/model/prometheus';
import { servicePorts, servingContainers } from '../../src/model/service-ports';

/** Whether a pod declares a container port of this name or number (init containers serve nothing). */
function declares(pod: PodTemplate, port: number | string): boolean {
  return servingContainers(pod).some((c) =>
    c.ports.some((p) => (typeof port === 'number' ? p.containerPort === port : p.name === port)),
  );
}

/** Pods whose container ports the input shows in full. */
function judgeable(pods: readonly PodTemplate[]): PodTemplate[] {
  return pods.filter((p) => p.portsKnown && (p.origin === 'workload' || p.origin === 'operator'));
}

const owners = (pods: readonly PodTemplate[]): string =>
  [...new Set(pods.map((p) => `${p.owner.kind} ${p.owner.name}`))].slice(0, 3).join(', ');

export const monitorPortMissing: Rule = {
  meta: {
    id: 'monitor-port-missing',
    description: 'ServiceMonitor or PodMonitor endpoint names a port its targets do not have',
    details:
      'Reports a ServiceMonitor endpoint whose `port` is not the name of a port of any Service it selects, or whose ' +
      '`targetPort` (used when `port` is not set) is not a container port of the pods behind those Services; and a ' +
      'PodMonitor endpoint whose `port` (or `portNumber`, `targetPort`) is not a container port of the pods it ' +
      'selects. Prometheus keeps only targets whose port name or number matches, and it knows container ports only ' +
      'when the pod declares them.',
    severity: 'error',
    tags: ['prometheus', 'monitoring', 'ports'],
    docs: {
      why:
        'The operator turns `port` into a relabelling rule that keeps only endpoints whose Service port has that name ' +
        '(PodMonitor: container ports of that name). An unnamed port, or a port named differently, leaves the job ' +
        'without targets even though the monitor selects the right Service.',
      symptoms: [
        'no targets: the serviceMonitor/<namespace>/<name>/0 job is missing from Status → Targets',
        'the job shows 0/0 up',
      ],
      fix: 'Name the Service port (ports[].name) as the endpoint says, or set the endpoint’s port to an existing port name.',
      example: {
        bad: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  selector: {app: web}\n  ports: [{name: http, port: 8080}]\n---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  endpoints: [{port: metrics}]\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  selector: {app: web}\n  ports: [{name: http, port: 8080}]\n---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  endpoints: [{port: http}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    for (const mon of monitorsOf(model)) {
      if (mon.namespace === undefined) continue;
      const endpoints = monitorEndpoints(mon);
      if (mon.kind === 'ServiceMonitor') {
        const services = monitoredServices(model, mon);
        if (!services.length) continue;
        for (const ep of endpoints) {
          if (ep.port !== undefined) {
            // `port` "takes precedence over targetPort" (API reference, Endpoint.port): it keeps the
            // endpoints whose Service port has that name.
            const name = ep.port;
            if (services.some((s) => servicePorts(s).some((p) => p.name === name))) continue;
            const names = [
              ...new Set(services.flatMap((s) => servicePorts(s).map((p) => p.name ?? '(unnamed)'))),
            ];
            ctx.report({
              object: mon,
              path: [...ep.path, 'port'],
              message: `ServiceMonitor ${mon.name}: no Service it selects (${services
                .slice(0, 3)
                .map((s) => s.name)
                .join(
                  ', ',
                )}) has a port named '${name}' (they have ${names.join(', ') || 'no ports'}); Prometheus gets no targets for this endpoint.`,
              related: services
                .slice(0, 3)
                .map((s) => ({ object: s, path: ['spec', 'ports'], message: `Service ${s.id}` })),
            });
          } else if (ep.targetPort !== undefined) {
            const target = ep.targetPort;
            const pods = judgeable(services.flatMap((s) => model.servicePods(s)));
            if (!pods.length || pods.some((p) => declares(p, target))) continue;
            ctx.report({
              object: mon,
              path: [...ep.path, 'targetPort'],
              message: `ServiceMonitor ${mon.name}: targetPort ${JSON.stringify(target)} is not a container port of the pods behind the Services it selects (${owners(pods)}); Prometheus matches it against declared container ports and gets no targets.`,
              related: pods
                .slice(0, 3)
                .map((p) => ({ object: p.owner, path: p.labelsPath, message: `pods of ${p.owner.id}` })),
            });
          }
        }
      } else {
        const pods = judgeable(monitoredPods(model, mon));
        if (!pods.length) continue;
        for (const ep of endpoints) {
          const ref: [string, number | string] | undefined =
            ep.port !== undefined
              ? ['port', ep.port]
              : ep.portNumber !== undefined
                ? ['portNumber', ep.portNumber]
                : ep.targetPort !== undefined
                  ? ['targetPort', ep.targetPort]
                  : undefined;
          if (!ref) continue;
          const [field, want] = ref;
          if (pods.some((p) => declares(p, want))) continue;
          ctx.report({
            object: mon,
            path: [...ep.path, field],
            message: `PodMonitor ${mon.name}: no pod it selects (${owners(pods)}) declares a container port ${typeof want === 'number' ? want : `named '${want}'`}; Prometheus gets no targets for this endpoint.`,
            related: pods
              .slice(0, 3)
              .map((p) => ({ object: p.owner, path: p.labelsPath, message: `pods of ${p.owner.id}` })),
          });
        }
      }
    }
  },
};
