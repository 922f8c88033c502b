import type { Model } from '../../src/model/model';
import type { PodTemplate } from '../../src/model/pods';
import { servicePorts } from '../../src/model/service-ports';
import type { Rule } from '../../src/engine/types';
import type { Container, ContainerPort } from '../../src/model/pods';

export const containerPortConflict: Rule = {
  meta: {
    id: 'container-port-conflict',
    description: 'The same port or port name twice in one pod',
    details:
      'Reports a containerPort/protocol declared by two containers of one pod (app containers and native sidecars ' +
      'share the pod network namespace), the same port declared twice in one container, and a port name used twice: ' +
      'an error within one container (the API server rejects it), a warning across containers when a Service ' +
      'targets that name, a note otherwise. Ordinary init containers run before the others and do not conflict on ports.',
    severity: 'warning',
    tags: ['workload', 'ports'],
    docs: {
      why:
        'Containers of a pod share one network namespace: two processes cannot both bind the same port, so one of ' +
        'them crash-loops. A port name used twice makes a named targetPort or probe port ambiguous.',
      symptoms: [
        'bind: address already in use',
        'listen tcp :8080: bind: address already in use',
        'CrashLoopBackOff',
      ],
      fix: 'Give each container its own port, and each named port a unique name within the pod.',
      example: {
        bad: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: app\n    ports: [{name: http, containerPort: 8080}]\n  - name: proxy\n    image: proxy\n    ports: [{name: http, containerPort: 8080}]\n',
        good: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: app\n    ports: [{name: http, containerPort: 8080}]\n  - name: proxy\n    image: proxy\n    ports: [{name: proxy, containerPort: 15001}]\n',
      },
    },
  },
  check(ctx) {
    for (const pod of ctx.model.pods) {
      if (pod.origin !== 'workload') continue;
      const byPort = new Map<string, { c: Container; p: ContainerPort }>();
      const byName = new Map<string, { c: Container; p: ContainerPort }>();
      for (const c of pod.containers) {
        for (const p of c.ports) {
          if (p.name) {
            const first = byName.get(p.name);
            if (first) {
              // The API server rejects a name repeated within one container (validateContainerPorts:
              // Duplicate). Across containers it accepts it, and only a Service that targets the name
              // is affected (it resolves on the first container that has it): otherwise a note.
              const sameContainer = c === first.c;
              const targeted = !sameContainer && targetedByService(ctx.model, pod, p.name);
              ctx.report({
                object: pod.owner,
                path: [...p.path, 'name'],
                severity: sameContainer ? 'error' : targeted ? 'warning' : 'note',
                message: sameContainer
                  ? `${pod.owner.kind} ${pod.owner.name}: container ${c.name} declares port name '${p.name}' twice; the API server rejects the duplicate.`
                  : `${pod.owner.kind} ${pod.owner.name}: port name '${p.name}' is used by container ${first.c.name} and again by container ${c.name}; the API documents port names as unique in a pod` +
                    (targeted
                      ? `, and a Service targets '${p.name}': it reaches container ${first.c.name} only.`
                      : ', though it accepts this; a Service targeting the name would reach the first container only.'),
                related: [
                  { object: pod.owner, path: [...first.p.path, 'name'], message: `first use of '${p.name}'` },
                ],
              });
            } else byName.set(p.name, { c, p });
          }
          if (c.role === 'init' || p.containerPort === undefined) continue;
          const key = `${p.containerPort}/${p.protocol}`;
          const first = byPort.get(key);
          if (!first) {
            byPort.set(key, { c, p });
            continue;
          }
          const same = first.c === c;
          ctx.report({
            object: pod.owner,
            path: [...p.path, 'containerPort'],
            message: same
              ? `${pod.owner.kind} ${pod.owner.name}: container ${c.name} declares ${key} twice; remove the duplicate.`
              : `${pod.owner.kind} ${pod.owner.name}: containers ${first.c.name} and ${c.name} both declare ${key}; containers of a pod share one network namespace, so only one of them can listen on it.`,
            related: [
              {
                object: pod.owner,
                path: [...first.p.path, 'containerPort'],
                message: `${key} in container ${first.c.name}`,
              },
            ],
          });
        }
      }
    }
  },
};

/** Whether a Service that selects these pods targets the port name. */
function targetedByService(model: Model, pod: PodTemplate, name: string): boolean {
  return model
    .ofKind('', 'Service')
    .some(
      (svc) =>
        svc.namespace === pod.namespace &&
        servicePorts(svc).some((sp) => sp.targetPort === name) &&
        model.servicePods(svc).includes(pod),
    );
}
