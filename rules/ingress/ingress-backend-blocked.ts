import { podOwners } from '../../src/engine/related';
import type { Rule } from '../../src/engine/types';
import { ingressBackends, ingressClassOf, ingressesOf } from '../../src/model/ingress';
import { selectorFromMap } from '../../src/model/labels';
import type { Model } from '../../src/model/model';
import { standInPod, type PodTemplate } from '../../src/model/pods';
import { findServicePort, podPortFor } from '../../src/model/service-ports';
import { policyEngine } from '../../src/netpol/index';
import { asRecord, asString } from '../../src/util/values';
import { backendService, describeRef } from './backends';

/** Where well-known controllers run, by IngressClass spec.controller. */
export const KNOWN_CONTROLLERS: Record<string, { namespace: string; labels: Record<string, string> }> = {
  'k8s.io/ingress-nginx': {
    namespace: 'ingress-nginx',
    labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
  },
  'traefik.io/ingress-controller': { namespace: 'traefik', labels: { 'app.kubernetes.io/name': 'traefik' } },
  'haproxy.org/ingress-controller': {
    namespace: 'haproxy-controller',
    labels: { 'app.kubernetes.io/name': 'kubernetes-ingress' },
  },
  'projectcontour.io/contour': { namespace: 'projectcontour', labels: { app: 'envoy' } },
  'istio.io/ingress-controller': { namespace: 'istio-system', labels: { istio: 'ingressgateway' } },
};

export function controllerPods(
  model: Model,
  controller: { namespace: string; labels: Record<string, string> },
): PodTemplate[] {
  const sel = selectorFromMap(controller.labels);
  const real = model.selectPodsAnywhere(sel);
  if (real.length) return real;
  // Not in the input: a stand-in with the controller's labels in its namespace.
  const owner = model.objects[0];
  return owner ? [standInPod(owner, controller.namespace, controller.labels)] : [];
}

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
    const classes = new Map(
      model
        .ofKind('networking.k8s.io', 'IngressClass')
        .map((c) => [c.name, asString(asRecord(c.raw['spec'])?.['controller'])]),
    );
    for (const ing of ingressesOf(model)) {
      if (ing.namespace === undefined) continue;
      const cls = ingressClassOf(ing)?.name;
      const controllerName =
        (cls && classes.get(cls)) ??
        (cls === 'nginx' || cls === undefined ? 'k8s.io/ingress-nginx' : undefined);
      const controller = ctx.cluster.ingressController
        ? {
            namespace: ctx.cluster.ingressController.namespace,
            labels: ctx.cluster.ingressController.podLabels,
          }
        : controllerName
          ? KNOWN_CONTROLLERS[controllerName]
          : undefined;
      if (!controller) continue;
      const sources = controllerPods(model, controller);
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
