import { podOwners } from '../../src/engine/related';
import type { Rule } from '../../src/engine/types';
import { isAmbient, podMembership } from '../../src/istio/injection';
import type { PodTemplate } from '../../src/model/pods';
import { isNear } from '../../src/model/proximity';
import { policyEngine, type Policy } from '../../src/netpol/index';

/** ztunnel's HBONE port: in ambient mode every mesh connection reaches the pod on it (Istio docs, "Ports used by Istio"). */
const HBONE_PORT = 15008;
/** Sources looked at per pod: enough to find one that the policies admit. */
const MAX_SOURCES = 200;

export const istioAmbientHboneBlocked: Rule = {
  meta: {
    id: 'istio-ambient-hbone-blocked',
    description: 'Ingress policy of ambient mesh pods admits peers but not HBONE on 15008',
    details:
      'For pods in Istio ambient mode (istio.io/dataplane-mode=ambient on the namespace or pod, no sidecar), asks the ' +
      'policy engine (any dialect) which mesh pods of the input the ingress policies admit on some port; when some are ' +
      'admitted but none on TCP 15008, reports the policy. A pure default deny (admitting nobody) is not reported.',
    severity: 'error',
    tags: ['istio', 'networkpolicy', 'ambient'],
    docs: {
      why:
        'In ambient mode the source ztunnel tunnels each connection over HBONE: it arrives at the destination pod on TCP ' +
        '15008, not on the application port. A policy that admits the clients on the application port only drops the ' +
        'tunnel, so every mesh connection the policy means to allow fails.',
      symptoms: [
        'upstream connect error or disconnect/reset before headers',
        'ztunnel logs: error access connection complete ... connection timed out (HBONE 15008)',
        'connections work with the namespace removed from ambient mode',
      ],
      fix: 'Also allow ingress on TCP 15008 from the peers the policy admits (Istio docs, Ambient and Kubernetes NetworkPolicy).',
      example: {
        bad:
          'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio.io/dataplane-mode: ambient}}\n---\n' +
          'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: api, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: api}}\n' +
          '  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n    ports: [{port: 8080}]\n',
        good:
          'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: api, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: api}}\n' +
          '  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n    ports: [{port: 8080}, {port: 15008}]\n',
      },
    },
  },
  check(ctx) {
    const { model, cluster } = ctx;
    const engine = policyEngine(model, cluster);
    if (engine.policies.length === 0) return;
    const inputPods = model.pods.filter((p) => p.origin === 'workload' || p.origin === 'operator');
    const meshPods = inputPods.filter((p) => podMembership(model, p) === 'mesh').slice(0, MAX_SOURCES);
    const blocked = new Map<Policy, PodTemplate[]>();
    for (const pod of inputPods) {
      if (!isAmbient(model, pod)) continue;
      const isolating = engine.isolating(pod, 'ingress');
      if (isolating.length === 0) continue;
      let admitted = false;
      let hbone = false;
      for (const src of meshPods) {
        if (src === pod) continue;
        const conns = engine.ingressConns(pod, { kind: 'pod', pod: src }).conns;
        if (conns.isEmpty()) continue;
        admitted = true;
        if (conns.has('TCP', HBONE_PORT)) {
          hbone = true;
          break;
        }
      }
      if (!admitted || hbone) continue;
      // Only a policy near the pod (same file or folder, or one inside the other).
      const policy = isolating.find((p) => isNear(p.obj, pod.owner));
      if (!policy) continue;
      blocked.set(policy, [...(blocked.get(policy) ?? []), pod]);
    }
    for (const [policy, pods] of blocked) {
      const names = [...new Set(pods.map((p) => `${p.owner.kind} ${p.owner.name}`))].slice(0, 4).join(', ');
      ctx.report({
        object: policy.obj,
        path: policy.specPath,
        message:
          `${policy.obj.kind} ${policy.obj.name} admits mesh clients to ${names} (ambient mode) but not on TCP ${HBONE_PORT}: ` +
          'ztunnel delivers every mesh connection over HBONE on that port, so the connections it means to allow are dropped.',
        related: podOwners(pods, (p) => `ambient pods of ${p.owner.id}`, 10),
      });
    }
  },
};
