import { mentionsPort } from '../../src/model/pods';
import type { Rule } from '../../src/engine/types';
import { asNumber, asRecord, asString } from '../../src/util/values';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HANDLERS = ['httpGet', 'tcpSocket', 'grpc'] as const;

export const probePortMissing: Rule = {
  meta: {
    id: 'probe-port-missing',
    description: 'A probe checks a port its container does not define',
    details:
      'Reports a liveness, readiness or startup probe (httpGet, tcpSocket, grpc) whose named port the container ' +
      'does not define (an error: the kubelet resolves probe port names on the probed container only), and, as a ' +
      'note, a numeric port that no container of the pod declares (although the probed one declares others) and ' +
      'that no command, args or env value mentions.',
    severity: 'error',
    tags: ['workload', 'ports', 'probes'],
    docs: {
      why:
        'A probe on a port name the container lacks always fails: a readiness probe keeps the pod out of every ' +
        "Service's endpoints, a liveness probe restarts it forever. A number that is not the container's port usually " +
        'means the probe and the app disagree after a port change.',
      symptoms: [
        'Readiness probe failed: … connect: connection refused',
        'Liveness probe failed: … unknown port',
        'the pod is Running but never Ready, and the Service has no endpoints',
      ],
      fix: 'Probe a port name or number that the same container declares in ports[].',
      example: {
        bad: 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: web\n    image: nginx\n    ports: [{name: http, containerPort: 8080}]\n    readinessProbe:\n      httpGet: {path: /healthz, port: web}\n',
        good: 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: web\n    image: nginx\n    ports: [{name: http, containerPort: 8080}]\n    readinessProbe:\n      httpGet: {path: /healthz, port: http}\n',
      },
    },
  },
  check(ctx) {
    for (const pod of ctx.model.pods) {
      if (pod.origin !== 'workload') continue;
      for (const c of pod.containers) {
        // Ordinary init containers cannot have probes; native sidecars can.
        if (c.role === 'init') continue;
        for (const probeName of PROBES) {
          const probe = asRecord(c.raw[probeName]);
          if (!probe) continue;
          for (const handler of HANDLERS) {
            const h = asRecord(probe[handler]);
            if (!h) continue;
            const raw = h['port'];
            const path = [...c.path, probeName, handler, 'port'];
            const name = asString(raw);
            const declared =
              c.ports.map((p) => `${p.name ? p.name + ' ' : ''}${p.containerPort ?? '?'}`).join(', ') ||
              'none';
            if (name !== undefined && !/^\d+$/.test(name)) {
              if (c.ports.some((p) => p.name === name)) continue;
              ctx.report({
                object: pod.owner,
                path,
                message: `${pod.owner.kind} ${pod.owner.name}, container ${c.name}: ${probeName} ${handler} port '${name}' is not a port name of this container (its ports: ${declared}); the probe always fails.`,
              });
              continue;
            }
            const num = asNumber(raw) ?? (name !== undefined ? Number(name) : undefined);
            if (num === undefined || c.ports.length === 0) continue;
            // A numeric probe connects to the pod's IP: any container of the pod may serve it
            // (a sidecar proxy, a metrics exporter), and a port passed as a flag is as good as
            // declared. Named ports, above, resolve in the probed container only.
            const serving = pod.containers.filter((x) => x.role !== 'init');
            if (serving.some((x) => x.ports.some((p) => p.containerPort === num) || mentionsPort(x, num)))
              continue;
            ctx.report({
              object: pod.owner,
              path,
              severity: 'note',
              message: `${pod.owner.kind} ${pod.owner.name}, container ${c.name}: ${probeName} ${handler} checks port ${num}, which the container does not declare (its ports: ${declared}). Make sure the app listens there.`,
            });
          }
        }
      }
    }
  },
};
