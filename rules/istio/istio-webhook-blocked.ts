import { podOwners } from '../../src/engine/related';
import type { Rule } from '../../src/engine/types';
import { isNear } from '../../src/model/proximity';
import { policyEngine, type PolicyEngine, type PolicyRule } from '../../src/netpol/index';
import type { PodTemplate } from '../../src/model/pods';

/** istiod serves its injection and validation webhooks on 15017 (Istio docs, "Ports used by Istio"). */
const WEBHOOK_PORT = 15017;

/** Whether a rule admits TCP 15017 by its ports (none written: every port). */
function admitsWebhookPort(rule: PolicyRule): boolean {
  if (rule.ports === undefined) return true;
  return rule.ports.some(
    (p) =>
      p.protocol === 'TCP' &&
      (p.port === undefined ||
        (typeof p.port === 'number' && WEBHOOK_PORT >= p.port && WEBHOOK_PORT <= (p.endPort ?? p.port))),
  );
}

/**
 * Whether some ingress allow of the pod's policies may admit the API server on 15017. Its address is
 * a fact of the cluster (a node, the control plane network), so any rule of non-pod peers may cover
 * it; Calico rules, evaluated in order by the engine, are not judged here.
 */
function mayAdmitApiServer(engine: PolicyEngine, pod: PodTemplate): boolean {
  if (engine.ingressConns(pod, { kind: 'entity', entity: 'kube-apiserver' }).conns.has('TCP', WEBHOOK_PORT))
    return true;
  return engine
    .applying(pod, 'ingress')
    .some(
      (p) =>
        p.dialect === 'calico' ||
        p.ingressRules.some(
          (r) =>
            !r.deny &&
            admitsWebhookPort(r) &&
            (r.peers === undefined ||
              r.peers.some(
                (peer) => peer.kind !== 'pods' && peer.kind !== 'endpoints' && peer.kind !== 'service',
              )),
        ),
    );
}

export const istioWebhookBlocked: Rule = {
  meta: {
    id: 'istio-webhook-blocked',
    description: 'Ingress policy of istiod does not admit the API server on webhook port 15017',
    details:
      'For the istiod pods of the input (app=istiod), asks the policy engine whether their ingress policies may admit the ' +
      'API server on TCP 15017: the kube-apiserver entity (Cilium), or any rule of address, node or entity peers (the API ' +
      "server's address is a fact of the cluster, so such a rule may cover it). Reports the isolating policy when none may.",
    severity: 'error',
    tags: ['istio', 'networkpolicy', 'webhook'],
    docs: {
      why:
        'The API server calls istiod on 15017 for sidecar injection and for validating Istio resources. Blocked, every ' +
        'pod creation in an injected namespace fails or runs without a sidecar (failurePolicy), and every apply of an ' +
        'Istio resource times out.',
      symptoms: [
        'Internal error occurred: failed calling webhook "namespace.sidecar-injector.istio.io": context deadline exceeded',
        'failed calling webhook "validation.istio.io": Post "https://istiod.istio-system.svc:443/validate?timeout=10s": context deadline exceeded',
      ],
      fix: 'Allow ingress to istiod on TCP 15017 from the control plane (an ipBlock of its addresses, or `fromEntities: [kube-apiserver]` with Cilium).',
      example: {
        bad:
          'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: istiod, namespace: istio-system}\nspec:\n  podSelector: {matchLabels: {app: istiod}}\n' +
          '  ingress:\n  - from: [{namespaceSelector: {}}]\n    ports: [{port: 15012}]\n',
        good:
          'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: istiod, namespace: istio-system}\nspec:\n  podSelector: {matchLabels: {app: istiod}}\n' +
          '  ingress:\n  - from: [{namespaceSelector: {}}]\n    ports: [{port: 15012}]\n  - ports: [{port: 15017}]\n',
      },
    },
  },
  check(ctx) {
    const { model, cluster } = ctx;
    const engine = policyEngine(model, cluster);
    if (engine.policies.length === 0) return;
    const istiod = model
      .selectPodsAnywhere({ requirements: [{ key: 'app', operator: 'In', values: ['istiod'] }], errors: [] })
      .filter((p) => p.origin === 'workload' || p.origin === 'operator');
    for (const pod of istiod) {
      const isolating = engine.isolating(pod, 'ingress');
      if (isolating.length === 0 || mayAdmitApiServer(engine, pod)) continue;
      const policy = isolating.find((p) => isNear(p.obj, pod.owner));
      if (!policy) continue;
      ctx.report({
        object: policy.obj,
        path: policy.specPath,
        message:
          `${policy.obj.kind} ${policy.obj.name} isolates ingress of istiod (${pod.owner.id}) and no rule may admit the API server ` +
          `on TCP ${WEBHOOK_PORT}: sidecar injection and Istio validation webhooks time out.`,
        related: podOwners([pod], (p) => `istiod pods of ${p.owner.id}`),
      });
    }
  },
};
