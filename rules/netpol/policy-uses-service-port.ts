import type { Rule } from '../../src/engine/types';
import type { KObject } from '../../src/model/object';
import type { PodTemplate } from '../../src/model/pods';
import { resolveTargetPort, servicePorts } from '../../src/model/service-ports';
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
      for (const pod of model.servicePods(svc)) servicesOf.set(pod, [...(servicesOf.get(pod) ?? []), svc]);
    }
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
            const declares = pod.containers.some(
              (c) =>
                c.role !== 'init' &&
                c.ports.some((p) => p.containerPort === port && p.protocol === spec.protocol),
            );
            if (declares) continue;
            for (const svc of servicesOf.get(pod) ?? []) {
              const sp = servicePorts(svc).find((s) => s.port === port && s.protocol === spec.protocol);
              if (!sp) continue;
              const r = resolveTargetPort(sp, pod);
              if (
                r.kind !== 'resolved' ||
                r.port.containerPort === undefined ||
                r.port.containerPort === port
              )
                continue;
              if (allowed(r.port.containerPort, spec.protocol)) continue;
              ctx.report({
                object: policy.obj,
                path: [...spec.path, 'port'],
                message:
                  `${policy.obj.kind} ${policy.obj.name} ${rule.deny ? `${rule.direction}Deny` : rule.direction} rule ${rule.index} ${rule.deny ? 'denies' : 'allows'} ${port}/${spec.protocol}, the port of Service ${svc.name}; ` +
                  `its pods (${pod.owner.kind} ${pod.owner.name}) listen on ${r.port.containerPort}${r.port.name ? ` (${r.port.name})` : ''}. ` +
                  `` +
                  (rule.deny
                    ? `Policies see the pod port after Service translation, so this deny drops nothing: deny ${r.port.containerPort}.`
                    : `Policies see the pod port after Service translation, so this traffic is dropped: allow ${r.port.containerPort}.`),
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
