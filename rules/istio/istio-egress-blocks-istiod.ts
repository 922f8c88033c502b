import { podOwners } from '../../src/engine/related';
import type { Rule } from '../../src/engine/types';
import { sidecarInjected } from '../../src/istio/injection';
import { rootNamespace } from '../../src/istio/mtls';
import { isNear } from '../../src/model/proximity';
import { standInPod, type PodTemplate } from '../../src/model/pods';
import { egressIsolationPath, policyEngine, type Endpoint, type Policy } from '../../src/netpol/index';
import { ownerList } from '../../src/engine/related';

/** istiod serves xDS and certificates to sidecars on 15012 (Istio docs, "Ports used by Istio"). */
const XDS_PORT = 15012;
/** Labels of the istiod pods of a default install (manifests/charts/istio-control/istio-discovery). */
const ISTIOD_LABELS = { app: 'istiod', istio: 'pilot' };

export const istioEgressBlocksIstiod: Rule = {
  meta: {
    id: 'istio-egress-blocks-istiod',
    description: "Egress policy blocks injected pods' sidecars from istiod on 15012",
    details:
      'Reports an egress-isolating policy (any dialect, through the policy engine) that selects pods with an Istio ' +
      'sidecar (namespace istio-injection=enabled or istio.io/rev, or the pod label sidecar.istio.io/inject=true) and ' +
      "does not allow TCP 15012 to the istiod pods (those of the input, else app=istiod in the mesh's root namespace). " +
      'An error when the istiod pods are in the input, a warning when they are modelled (they may run elsewhere).',
    severity: 'error',
    tags: ['istio', 'networkpolicy'],
    docs: {
      why:
        'The sidecar fetches its configuration (xDS) and its workload certificate from istiod on port 15012. Blocked, it ' +
        'never becomes ready, so the pod is never Ready and receives no traffic.',
      symptoms: [
        'envoy proxy is NOT ready',
        'warning envoy config StreamAggregatedResources gRPC config stream to xds-grpc closed',
        'Readiness probe failed: HTTP probe failed with statuscode: 503 (port 15021)',
      ],
      fix: 'Allow egress to the istiod pods (namespace istio-system, app=istiod) on TCP 15012, next to the DNS allowance.',
      example: {
        bad:
          'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio-injection: enabled}}\n---\n' +
          'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-egress, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n',
        good:
          'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio-injection: enabled}}\n---\n' +
          'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-egress, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n' +
          '  - to:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: istio-system}}\n      podSelector: {matchLabels: {app: istiod}}\n    ports: [{port: 15012, protocol: TCP}]\n',
      },
    },
  },
  check(ctx) {
    const { model, cluster } = ctx;
    const engine = policyEngine(model, cluster);
    if (engine.policies.length === 0) return;
    const inInput = model.selectPodsAnywhere({
      requirements: [{ key: 'app', operator: 'In', values: ['istiod'] }],
      errors: [],
    });
    const root = rootNamespace(model);
    const blocked = new Map<Policy, PodTemplate[]>();
    for (const pod of model.pods) {
      if (pod.origin !== 'workload' && pod.origin !== 'operator') continue;
      if (sidecarInjected(model, pod) !== 'mesh') continue;
      const isolating = engine.isolating(pod, 'egress');
      if (isolating.length === 0) continue;
      const targets: Endpoint[] = (
        inInput.length ? inInput : [standInPod(isolating[0]?.obj ?? pod.owner, root, ISTIOD_LABELS)]
      ).map((p) => ({ kind: 'pod', pod: p }));
      if (targets.some((t) => engine.egress(pod, t, { protocol: 'TCP', port: XDS_PORT }).allowed)) continue;
      // Only pods near the policy (same file or folder, or one inside the other): in a repository of
      // many examples, a policy and an injected pod of unrelated ones share `default` by accident.
      const policy = isolating.find((p) => isNear(p.obj, pod.owner));
      if (!policy) continue;
      blocked.set(policy, [...(blocked.get(policy) ?? []), pod]);
    }
    for (const [policy, pods] of blocked) {
      const shown = ownerList(pods, 4);
      ctx.report({
        object: policy.obj,
        path: egressIsolationPath(policy),
        ...(inInput.length ? {} : { severity: 'warning' as const }),
        message:
          `${policy.obj.kind} ${policy.obj.name} isolates egress of ${shown}, whose Istio sidecars need istiod on TCP ${XDS_PORT} ` +
          `(${inInput.length ? 'the istiod pods of the input' : `app=istiod in '${root}', modelled`}), and no rule allows it: ` +
          'the sidecars never get their configuration and the pods never become ready.',
        related: [
          ...podOwners(pods, (p) => `injected pods of ${p.owner.id}`, 10),
          ...podOwners(inInput, (p) => `istiod pods of ${p.owner.id}`, 3),
        ],
      });
    }
  },
};
