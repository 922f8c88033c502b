import type { Rule } from '../../src/engine/types';
import type { FieldPath } from '../../src/load/types';
import type { Selector } from '../../src/model/labels';
import type { KObject } from '../../src/model/object';
import { ciliumPoliciesOf } from '../../src/netpol/cilium';
import { derivedLabelMeant } from '../../src/netpol/cilium-labels';

/** Reserved labels of Cilium's reserved identities (pkg/labels). */
const RESERVED = new Set([
  'host',
  'remote-node',
  'world',
  'world-ipv4',
  'world-ipv6',
  'health',
  'init',
  'kube-apiserver',
  'ingress',
  'unmanaged',
  'unknown',
]);

export const ciliumSelectorKeyMistyped: Rule = {
  meta: {
    id: 'cilium-selector-key-mistyped',
    description: 'A Cilium selector names a label no endpoint carries',
    details:
      'Reports an endpointSelector or fromEndpoints/toEndpoints selector of a CiliumNetworkPolicy or ' +
      'CiliumClusterwideNetworkPolicy whose key is a near miss of a label the agent derives for every pod ' +
      '(k8s.io.kubernetes.pod.namespace for k8s:io.kubernetes.pod.namespace, io.cilium.k8s.policy.service-account ' +
      'for io.cilium.k8s.policy.serviceaccount), or a reserved: label of no reserved identity. No endpoint has ' +
      'such a label, so the selector matches nothing. Keys that a pod of the input does carry are not reported.',
    severity: 'error',
    tags: ['networkpolicy', 'cilium'],
    docs: {
      why:
        "The namespace label's source prefix is `k8s:` followed by `io.kubernetes.pod.namespace`; written with a dot it " +
        'is an ordinary label that no pod has. An allow then admits no one, and an endpointSelector selects nothing, ' +
        'with no error anywhere.',
      symptoms: [
        'traffic the policy allows is dropped (hubble: Policy denied)',
        'cilium-dbg policy selectors shows the selector with no identities',
      ],
      fix: 'Write the key as k8s:io.kubernetes.pod.namespace (or io.kubernetes.pod.namespace), and reserved labels as reserved:<identity>.',
      example: {
        bad: 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: dns}\nspec:\n  endpointSelector: {}\n  egress:\n  - toEndpoints:\n    - matchLabels: {k8s.io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}\n',
        good: 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: dns}\nspec:\n  endpointSelector: {}\n  egress:\n  - toEndpoints:\n    - matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}\n',
      },
    },
  },
  check(ctx) {
    const podKeys = new Set(ctx.model.pods.flatMap((p) => [...p.labels.keys()]));
    const seen = new Map<KObject, Set<string>>();
    for (const policy of ciliumPoliciesOf(ctx.model)) {
      const selectors: { sel: Selector; path: FieldPath; what: string }[] = [];
      if (!policy.selectsNodes)
        selectors.push({
          sel: policy.podSelector,
          path: [...policy.specPath, 'endpointSelector'],
          what: 'endpointSelector',
        });
      for (const rule of [...policy.ingressRules, ...policy.egressRules])
        for (const peer of rule.peers ?? [])
          if (peer.kind === 'endpoints')
            selectors.push({ sel: peer.selector, path: peer.path, what: 'peer selector' });
      for (const { sel, path, what } of selectors) {
        for (const r of sel.requirements) {
          if (r.operator === 'NotIn' || r.operator === 'DoesNotExist' || podKeys.has(r.key)) continue;
          const reserved = r.key.startsWith('reserved:') ? r.key.slice('reserved:'.length) : undefined;
          const intended = reserved === undefined ? derivedLabelMeant(r.key) : undefined;
          if (reserved !== undefined ? RESERVED.has(reserved) : intended === undefined) continue;
          // One finding per place (a spec read twice, for example, reports once).
          const key = `${path.join('.')} ${r.key}`;
          const done = seen.get(policy.obj) ?? new Set<string>();
          if (done.has(key)) continue;
          seen.set(policy.obj, done.add(key));
          ctx.report({
            object: policy.obj,
            path,
            message:
              intended !== undefined
                ? `${policy.obj.kind} ${policy.obj.name}: the ${what} requires label '${r.key}', which no endpoint carries (Cilium's key is 'k8s:${intended}'), so it matches nothing.`
                : `${policy.obj.kind} ${policy.obj.name}: the ${what} requires '${r.key}', which is no reserved identity of Cilium, so it matches nothing.`,
          });
        }
      }
    }
  },
};
