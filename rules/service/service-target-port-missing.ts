import type { Related, Rule } from '../../src/engine/types';
import type { PodTemplate } from '../../src/model/pods';
import { mentionsPort } from '../../src/model/pods';
import { describePort, resolveTargetPort, servingContainers } from '../../src/model/service-ports';
import { portList, routedServices } from './routed-services';
import { ownerList } from '../../src/engine/related';

export const serviceTargetPortMissing: Rule = {
  meta: {
    id: 'service-target-port-missing',
    description: 'Service targetPort is not a port of the selected containers',
    details:
      'Reports a Service port whose named targetPort no container of the selected pods defines (an error; a warning ' +
      'naming them when only some selected workloads lack it), and, as a note, a numeric targetPort (or the default, ' +
      'equal to port) that the selected containers do not declare, when those containers declare ports at all and ' +
      'none of their command, args or env values mentions the number (declaring a port is informational). App containers ' +
      'and native sidecars (init containers with restartPolicy: Always) serve ports; ordinary init containers do not.',
    severity: 'error',
    tags: ['service', 'ports'],
    docs: {
      why:
        'A named targetPort is resolved on each pod; a pod without that name gets no endpoint for the port, so ' +
        'traffic to it is refused while `kubectl get endpoints` may still show other ports. A numeric targetPort is ' +
        'used as is, so a wrong number sends traffic to a port nobody listens on.',
      symptoms: [
        'connect: connection refused',
        'upstream connect error or disconnect/reset before headers',
        'kubectl describe endpoints shows no addresses for one port of the Service',
      ],
      fix:
        'Point targetPort at a containerPort name or number that the pod template declares, or declare the port on ' +
        'the container (ports[].name, ports[].containerPort).',
      example: {
        bad:
          'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n    targetPort: http\n---\n' +
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        ports:\n        - name: web\n          containerPort: 8080\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n    targetPort: web\n',
      },
    },
  },
  check(ctx) {
    for (const { svc, ports, pods } of routedServices(ctx.model)) {
      for (const sp of ports) {
        if (sp.targetPort === undefined) continue;
        const missing: PodTemplate[] = [];
        const undeclared: PodTemplate[] = [];
        for (const pod of pods) {
          const r = resolveTargetPort(sp, pod);
          if (r.kind === 'name-missing') missing.push(pod);
          // Containers that declare no ports say nothing: declaring is informational in the API.
          // Nor does a port the containers take from a flag or an environment variable.
          else if (
            r.kind === 'number-undeclared' &&
            r.declaresPorts &&
            !servingContainers(pod).some((c) => mentionsPort(c, sp.targetPort as number))
          )
            undeclared.push(pod);
        }
        const path = sp.targetPortDefaulted ? sp.path : [...sp.path, 'targetPort'];
        const related = (list: PodTemplate[]): Related[] =>
          list.slice(0, 5).map((p) => ({
            object: p.owner,
            path: p.specPath ? [...p.specPath, 'containers'] : p.labelsPath,
            message: `containers of ${p.owner.id}: ${portList(p)}`,
          }));
        const target =
          typeof sp.targetPort === 'string'
            ? `port name '${sp.targetPort}'`
            : `port ${sp.targetPort}${sp.targetPortDefaulted ? ' (targetPort defaults to port)' : ''}`;
        if (missing.length) {
          const all = missing.length === pods.length;
          ctx.report({
            object: svc,
            path,
            severity: all ? 'error' : 'warning',
            message: all
              ? `Service ${svc.name} ${describePort(sp)} targets ${target}, which no container of ${ownerList(missing)} defines (ports: ${portList(missing[0] as PodTemplate)}). The Service gets no endpoints for this port: name a container port '${sp.targetPort}' or target an existing one.`
              : `Service ${svc.name} ${describePort(sp)} targets ${target}, which ${ownerList(missing)} ${missing.length > 1 ? 'do' : 'does'} not define: those pods get no endpoint for this port.`,
            related: related(missing),
          });
        } else if (undeclared.length) {
          const all = undeclared.length === pods.length;
          ctx.report({
            object: svc,
            path,
            // containerPort is informational (API reference, Container.ports): Envoy and Istio gateways
            // listen where their configuration says, Knative's activator opens 8112 for TLS, SeaweedFS
            // its gRPC port at HTTP + 10000, none of them declared. The input cannot prove that
            // nothing listens, so this is a note.
            severity: 'note',
            message:
              `Service ${svc.name} ${describePort(sp)} targets ${target}, which ${all ? 'no container of ' : ''}${ownerList(undeclared)} ` +
              `${all ? 'declares' : undeclared.length > 1 ? 'do not declare' : 'does not declare'} (ports: ${portList(undeclared[0] as PodTemplate)}), ` +
              `and no command, args or env value mentions. Declaring ports is informational, so the application may still ` +
              `listen there; if nothing does, connections are refused: declare the port or target a declared one.`,
            related: related(undeclared),
          });
        }
      }
    }
  },
};
