import { podOwners } from '../../src/engine/related';
import type { Rule } from '../../src/engine/types';
import { ingressBackends, ingressesOf } from '../../src/model/ingress';
import {
  ingressClassControllers,
  ingressControllerFor,
  ingressControllerPods,
} from '../../src/model/ingress-controller';
import { findServicePort, podPortFor } from '../../src/model/service-ports';
import { policyEngine } from '../../src/netpol/index';
import { backendService, describeRef } from './backends';

export const ingressBackendBlocked: Rule = {
  meta: {
    id: 'ingress-backend-blocked',
    description: 'NetworkPolicy blocks the ingress controller from the backend pods',
    details:
      'Reports an Ingress backend whose pods are ingress-isolated by NetworkPolicies that admit no ingress controller ' +
      'pod on the backend port. The controller is found in the input, or from the IngressClass controller ' +
      '(ingress-nginx, Traefik, HAProxy, Contour, Istio), or from cluster.ingressController in the config.',
    severity: 'warning',
    tags: ['ingress', 'networkpolicy'],
    docs: {
      why: 'The Ingress and Service are correct, but the controller’s connections to the pods are dropped: every request times out at the controller.',
      symptoms: [
        '504 Gateway Time-out',
        'upstream timed out (110: Connection timed out) while connecting to upstream',
      ],
      fix: "Allow ingress from the controller's namespace (kubernetes.io/metadata.name: ingress-nginx) and pods to the backend port.",
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-ingress-controller}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}\n      podSelector: {matchLabels: {app.kubernetes.io/name: ingress-nginx}}\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const engine = policyEngine(model, ctx.cluster);
    if (engine.policies.length === 0) return;
    const classes = ingressClassControllers(model);
    for (const ing of ingressesOf(model)) {
      if (ing.namespace === undefined) continue;
      const controller = ingressControllerFor(model, ctx.cluster, ing, classes);
      if (!controller) continue;
      const sources = ingressControllerPods(model, controller).pods;
      for (const b of ingressBackends(ing)) {
        if (b.resource || !b.serviceName) continue;
        const svc = backendService(model, ing, ing.namespace, b.serviceName);
        const sp = svc && findServicePort(svc, b.port);
        if (!svc || !sp) continue;
        const pods = model.servicePods(svc).filter((p) => p.origin === 'workload' || p.origin === 'operator');
        if (!pods.length) continue;
        const blocked = pods.filter((pod) => {
          if (engine.isolating(pod, 'ingress').length === 0) return false;
          const port = podPortFor(sp, pod);
          if (port === undefined) return false;
          return !sources.some(
            (src) => engine.ingress(pod, { kind: 'pod', pod: src }, { protocol: sp.protocol, port }).allowed,
          );
        });
        if (blocked.length !== pods.length) continue;
        const policies = [
          ...new Map(
            blocked.flatMap((p) => engine.isolating(p, 'ingress')).map((p) => [p.obj.id, p]),
          ).values(),
        ];
        ctx.report({
          object: ing,
          path: b.path,
          message: `Ingress ${ing.name} → Service ${describeRef(b.serviceName, b.port)} → ${blocked.map((p) => `${p.owner.kind} ${p.owner.name}`).join(', ')}: ${[...new Set(policies.map((p) => p.obj.kind))].join('/')} ${policies.map((p) => p.obj.name).join(', ')} isolates these pods and admits no ingress controller pod (${controller.namespace}, ${Object.entries(
            controller.labels,
          )
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}); requests time out at the controller.`,
          related: [
            ...policies.slice(0, 3).map((p) => ({
              object: p.obj,
              path: ['spec', 'podSelector'],
              message: `${p.obj.kind} ${p.obj.id}`,
            })),
            { object: svc, path: ['spec', 'selector'], message: `Service ${svc.id}` },
            ...podOwners(blocked, (p) => `pods of ${p.owner.id}`),
            ...podOwners(sources, (p) => `ingress controller pods of ${p.owner.id}`, 3),
          ],
        });
      }
    }
  },
};
