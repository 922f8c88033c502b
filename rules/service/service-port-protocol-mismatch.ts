import type { Rule } from '../../src/engine/types';
import { describePort, resolveTargetPort } from '../../src/model/service-ports';
import { routedServices } from './routed-services';

export const servicePortProtocolMismatch: Rule = {
  meta: {
    id: 'service-port-protocol-mismatch',
    description: "Service port protocol differs from the container port's",
    details:
      'Reports a Service port whose protocol (TCP when not given) differs from the protocol of the container port its ' +
      'targetPort names or numbers. For a named targetPort this is an error: named ports match on name and protocol, ' +
      'so the pod gets no endpoint. For a numeric one it is a warning: traffic arrives in a protocol the container ' +
      'does not declare.',
    severity: 'error',
    tags: ['service', 'ports'],
    docs: {
      why:
        'DNS is the classic case: a Service port 53 without `protocol: UDP` is TCP, while the server listens on UDP ' +
        'too; or a container port named dns declared UDP behind a TCP Service port. Lookups time out.',
      symptoms: [
        ';; connection timed out; no servers could be reached',
        'i/o timeout',
        'no endpoints for one port of the Service',
      ],
      fix: 'Set the same protocol on the Service port and the container port (protocol defaults to TCP on both).',
      example: {
        bad:
          'apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\nspec:\n  selector: {app: dns}\n  ports:\n  - port: 53\n    targetPort: dns\n---\n' +
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: dns\nspec:\n  selector:\n    matchLabels: {app: dns}\n  template:\n    metadata:\n      labels: {app: dns}\n    spec:\n      containers:\n      - name: dns\n        image: coredns/coredns\n        ports:\n        - {name: dns, containerPort: 53, protocol: UDP}\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\nspec:\n  selector: {app: dns}\n  ports:\n  - port: 53\n    protocol: UDP\n    targetPort: dns\n',
      },
    },
  },
  check(ctx) {
    for (const { svc, ports, pods } of routedServices(ctx.model)) {
      for (const sp of ports) {
        for (const pod of pods) {
          const r = resolveTargetPort(sp, pod);
          if (r.kind !== 'protocol-mismatch') continue;
          const named = typeof sp.targetPort === 'string';
          const where = `container ${r.container.name} of ${pod.owner.kind} ${pod.owner.name}`;
          // A numeric target reaches the port whatever the container declares; a containerPort
          // without a protocol is TCP by the API's default, not by the author's statement (many
          // DNS and syslog servers listen on both): only a note.
          const unstated = !named && r.port.protocolDefaulted;
          ctx.report({
            object: svc,
            path: [...sp.path, ...(sp.raw['protocol'] !== undefined ? ['protocol'] : [])],
            severity: named ? 'error' : unstated ? 'note' : 'warning',
            message: named
              ? `Service ${svc.name} ${describePort(sp)} targets port name '${sp.targetPort}', which ${where} declares as ${r.port.protocol}. Named ports match name and protocol, so these pods get no endpoint for this port: set protocol: ${r.port.protocol} on one side to match the other.`
              : unstated
                ? `Service ${svc.name} ${describePort(sp)} sends ${sp.protocol} to port ${sp.targetPort}, which ${where} declares without a protocol (TCP by default). If the app listens on ${sp.protocol} there, declare it (protocol: ${sp.protocol}).`
                : `Service ${svc.name} ${describePort(sp)} sends ${sp.protocol} to port ${sp.targetPort}, which ${where} declares as ${r.port.protocol}. Set the same protocol on both.`,
            related: [
              { object: pod.owner, path: r.port.path, message: `${r.port.protocol} port of ${where}` },
            ],
          });
          break; // one finding per Service port is enough; the message names the first workload
        }
      }
    }
  },
};
