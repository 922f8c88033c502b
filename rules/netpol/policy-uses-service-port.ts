import type { Rule } from '../../src/engine/types';
import type { KObject } from '../../src/model/object';
import type { PodTemplate } from '../../src/model/pods';
import { resolveTargetPort, servicePorts, type ServicePortSpec } from '../../src/model/service-ports';
import { policyEngine } from '../../src/netpol/index';
import { destinationPods } from './policy-named-port-missing';

export const policyUsesServicePort: Rule = {
  meta: {
    id: 'policy-uses-service-port',
    description: 'A policy allows the Service port instead of the pod port',
    details:
      "Reports a NetworkPolicy rule port (or a Cilium toPorts port) that is a Service's port for pods the rule applies to, while those pods " +
      'listen on a different targetPort and do not declare the Service port. Policies see traffic after the ' +
      'Service has translated it to the pod port.',
    severity: 'error',
    tags: ['networkpolicy', 'ports', 'service'],
    docs: {
      why:
        'kube-proxy (or the CNI) rewrites the destination from the Service port to the targetPort before ' +
        'NetworkPolicy is enforced. A rule on port 80 for a Service 80 → 8080 therefore never matches: the traffic is ' +
        'dropped although the policy looks right.',
      symptoms: [
        'connections to the Service time out after an allow policy was added',
        'curl: (28) Connection timed out',
      ],
      fix: 'Allow the targetPort (the container port), or its name, instead of the Service port.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - ports:\n    - port: 80\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - ports:\n    - port: 8080\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const engine = policyEngine(model, ctx.cluster);
    if (engine.policies.length === 0) return;
    const servicesOf = new Map<PodTemplate, KObject[]>();
    for (const svc of model.ofKind('', 'Service')) {
      for (const pod of model.servicePods(svc)) {
        const list = servicesOf.get(pod);
        if (list) list.push(svc);
        else servicesOf.set(pod, [svc]);
      }
    }
    // What a pod's Services make of one port, asked once per pod and port, not once per policy rule
    // that reaches the pod (many policies of a namespace reach the same pods).
    const known = new Map<PodTemplate, Map<string, Translation[]>>();
    const translationsOf = (pod: PodTemplate, port: number, protocol: string): Translation[] => {
      let byPort = known.get(pod);
      if (!byPort) known.set(pod, (byPort = new Map()));
      const key = `${port}/${protocol}`;
      let list = byPort.get(key);
      if (!list) byPort.set(key, (list = translations(pod, servicesOf.get(pod) ?? [], port, protocol)));
      return list;
    };
    for (const policy of engine.policies) {
      // A Cilium port of protocol ANY is one spec per protocol at one path: one finding per path.
      const reportedAt = new Set<string>();
      for (const rule of [...policy.ingressRules, ...policy.egressRules]) {
        const numeric = (rule.ports ?? []).filter((p) => typeof p.port === 'number');
        if (!numeric.length) continue;
        const pods = destinationPods(engine, policy, rule).filter(
          (p) => p.origin === 'workload' || p.origin === 'operator',
        );
        for (const spec of numeric) {
          const port = spec.port as number;
          const allowed = (n: number, proto: string) =>
            (rule.ports ?? []).some(
              (p) =>
                p.protocol === proto &&
                typeof p.port === 'number' &&
                n >= p.port &&
                n <= (p.endPort ?? p.port),
            );
          let reported = reportedAt.has(spec.path.join('.'));
          for (const pod of pods) {
            if (reported) break;
            for (const { svc, sp, containerPort, name } of translationsOf(pod, port, spec.protocol)) {
              if (allowed(containerPort, spec.protocol)) continue;
              ctx.report({
                object: policy.obj,
                path: [...spec.path, 'port'],
                message:
                  `${policy.obj.kind} ${policy.obj.name} ${rule.deny ? `${rule.direction}Deny` : rule.direction} rule ${rule.index} ${rule.deny ? 'denies' : 'allows'} ${port}/${spec.protocol}, the port of Service ${svc.name}; ` +
                  `its pods (${pod.owner.kind} ${pod.owner.name}) listen on ${containerPort}${name ? ` (${name})` : ''}. ` +
                  `` +
                  (rule.deny
                    ? `Policies see the pod port after Service translation, so this deny drops nothing: deny ${containerPort}.`
                    : `Policies see the pod port after Service translation, so this traffic is dropped: allow ${containerPort}.`),
                related: [
                  {
                    object: svc,
                    path: [...sp.path],
                    message: `Service ${svc.name} port ${port} → targetPort ${String(sp.targetPort)}`,
                  },
                ],
              });
              reported = true;
              reportedAt.add(spec.path.join('.'));
              break;
            }
          }
        }
      }
    }
  },
};

/** A Service port of a pod that its Service sends to another container port. */
interface Translation {
  svc: KObject;
  sp: ServicePortSpec;
  containerPort: number;
  name: string | undefined;
}

/**
 * The Services of a pod whose `port`/`protocol` lands on a different container port, in the order
 * of its Services; none when the pod's containers declare the port themselves.
 */
function translations(
  pod: PodTemplate,
  services: readonly KObject[],
  port: number,
  protocol: string,
): Translation[] {
  const declares = pod.containers.some(
    (c) => c.role !== 'init' && c.ports.some((p) => p.containerPort === port && p.protocol === protocol),
  );
  if (declares) return [];
  const out: Translation[] = [];
  for (const svc of services) {
    const sp = servicePorts(svc).find((s) => s.port === port && s.protocol === protocol);
    if (!sp) continue;
    const r = resolveTargetPort(sp, pod);
    if (r.kind !== 'resolved' || r.port.containerPort === undefined || r.port.containerPort === port)
      continue;
    out.push({ svc, sp, containerPort: r.port.containerPort, name: r.port.name });
  }
  return out;
}
