import { isNear } from '../../src/model/proximity';
import type { Rule } from '../../src/engine/types';
import { NAMESPACE_NAME_LABEL } from '../../src/model/model';
import { policiesOf } from '../../src/netpol/policy';

export const namespaceLabelNotSet: Rule = {
  meta: {
    id: 'namespace-label-not-set',
    description: 'namespaceSelector relies on a label no namespace has',
    details:
      'Reports a NetworkPolicy namespaceSelector that requires a label (In or Exists) which Kubernetes does not set ' +
      'and which no Namespace in the input (or the config) sets: the classic `name: kube-system`. Kubernetes sets ' +
      'only kubernetes.io/metadata.name on every namespace. Other keys are a warning only where the input defines ' +
      'Namespace objects near the policy (it manages namespace labels there); otherwise a note.',
    severity: 'warning',
    tags: ['networkpolicy', 'selector'],
    docs: {
      why:
        'A namespaceSelector on a label that no namespace carries matches nothing, so the rule allows nothing: ' +
        'the DNS rule that was meant to admit kube-system admits no one, and lookups time out.',
      symptoms: [
        'dial tcp: lookup db on 10.96.0.10:53: i/o timeout',
        'pods cannot reach another namespace after a NetworkPolicy was added',
      ],
      fix: 'Select namespaces by kubernetes.io/metadata.name: <namespace>, which the API server sets on every namespace, or label the Namespace objects.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-dns}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - namespaceSelector:\n        matchLabels: {name: kube-system}\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-dns}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - namespaceSelector:\n        matchLabels: {kubernetes.io/metadata.name: kube-system}\n',
      },
    },
  },
  check(ctx) {
    const setKeys = new Set<string>();
    for (const info of ctx.model.namespaces.values())
      for (const k of Object.keys(info.labels)) setKeys.add(k);
    for (const policy of policiesOf(ctx.model)) {
      for (const rule of [...policy.ingressRules, ...policy.egressRules]) {
        for (const peer of rule.peers ?? []) {
          if (peer.kind !== 'pods' || !peer.namespaceSelector) continue;
          for (const req of peer.namespaceSelector.requirements) {
            if (req.operator !== 'In' && req.operator !== 'Exists') continue;
            if (req.key === NAMESPACE_NAME_LABEL || setKeys.has(req.key)) continue;
            const suggestion =
              req.key === 'name' || req.key === 'namespace' || req.key === 'ns'
                ? ` Use ${NAMESPACE_NAME_LABEL}: ${req.values[0] ?? '<namespace>'}, which the API server sets on every namespace.`
                : ` Label the Namespace objects, or select by ${NAMESPACE_NAME_LABEL}.`;
            // Labels of namespaces the input does not define are unknown: only where the input
            // manages Namespace objects near the policy is the missing label likely a mistake.
            // `name`, `namespace` and `ns` are the classic mistake: expecting Kubernetes to set them.
            const classic = req.key === 'name' || req.key === 'namespace' || req.key === 'ns';
            const managed = classic || ctx.model.ofKind('', 'Namespace').some((ns) => isNear(ns, policy.obj));
            ctx.report({
              object: policy.obj,
              path: [...peer.path, 'namespaceSelector'],
              severity: managed ? 'warning' : 'note',
              message: managed
                ? `NetworkPolicy ${policy.obj.name} selects namespaces by label '${req.key}', which Kubernetes does not set and no Namespace in the input sets: the peer matches no namespace, so the rule allows nothing.${suggestion}`
                : `NetworkPolicy ${policy.obj.name} selects namespaces by label '${req.key}', which Kubernetes does not set and the input defines no Namespace near it to check: unless the namespaces are labelled elsewhere, the peer matches none and the rule allows nothing.${suggestion}`,
              related: [...ctx.model.namespaces.values()]
                .flatMap((ns) => (ns.object ? [ns.object] : []))
                .slice(0, 10)
                .map((o) => ({
                  object: o,
                  path: ['metadata', 'labels'],
                  message: `labels of Namespace ${o.name}`,
                })),
            });
          }
        }
      }
    }
  },
};
