import type { Rule } from '../../src/engine/types';
import { sidecarInjected } from '../../src/istio/injection';
import { asNumber, getPath } from '../../src/util/values';

/** The UID of istio-proxy; Istio's iptables rules let its traffic bypass the redirection. */
const PROXY_UID = 1337;

export const istioProxyUid: Rule = {
  meta: {
    id: 'istio-proxy-uid',
    description: "Workload in an injected namespace runs as the Istio proxy's UID 1337",
    details:
      'Reports an app container (or the pod securityContext it inherits) with runAsUser 1337 in a pod that gets the Istio ' +
      'sidecar (namespace istio-injection=enabled or istio.io/rev, or sidecar.istio.io/inject=true). The istio-proxy ' +
      'container itself is skipped.',
    severity: 'error',
    tags: ['istio', 'workload'],
    docs: {
      why:
        "Istio's iptables rules exempt traffic from UID 1337 so the proxy's own connections are not looped back into it. An " +
        'application running as 1337 has its outbound traffic bypass the sidecar: no mTLS, no routing rules, no telemetry, ' +
        'and STRICT servers reset its connections (Istio docs, "Application requirements").',
      symptoms: [
        'upstream connect error or disconnect/reset before headers',
        'connection reset by peer',
        'VirtualService rules ignored for one workload',
      ],
      fix: 'Run the application as another UID (runAsUser), leaving 1337 to istio-proxy.',
      example: {
        bad:
          'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio-injection: enabled}}\n---\n' +
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      securityContext: {runAsUser: 1337}\n      containers: [{name: web, image: nginx}]\n',
        good:
          'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio-injection: enabled}}\n---\n' +
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      securityContext: {runAsUser: 1000}\n      containers: [{name: web, image: nginx}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    for (const pod of model.pods) {
      if (pod.origin !== 'workload' || !pod.specPath) continue;
      if (sidecarInjected(model, pod) !== 'mesh') continue;
      const podUid = asNumber(getPath(pod.owner.raw, [...pod.specPath, 'securityContext', 'runAsUser']));
      let reportedPod = false;
      for (const c of pod.containers) {
        if (c.role === 'init' || c.name === 'istio-proxy') continue;
        const own = asNumber(getPath(c.raw, ['securityContext', 'runAsUser']));
        const uid = own ?? podUid;
        if (uid !== PROXY_UID) continue;
        // One finding for the pod-level setting, however many containers inherit it.
        if (own === undefined && reportedPod) continue;
        if (own === undefined) reportedPod = true;
        ctx.report({
          object: pod.owner,
          path:
            own !== undefined
              ? [...c.path, 'securityContext', 'runAsUser']
              : [...pod.specPath, 'securityContext', 'runAsUser'],
          message:
            `${pod.owner.kind} ${pod.owner.name}: container ${c.name} runs as UID ${PROXY_UID}, the Istio proxy's, in a pod that gets ` +
            'the sidecar: its traffic bypasses the proxy (no mTLS, no routing), and STRICT servers reset it.',
        });
      }
    }
  },
};
