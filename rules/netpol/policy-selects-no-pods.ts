import { describeProviders } from '../../src/model/providers';
import { podOwners } from '../../src/engine/related';
import type { Rule } from '../../src/engine/types';
import { formatSelector } from '../../src/model/labels';
import { policyEngine } from '../../src/netpol/index';

export const policySelectsNoPods: Rule = {
  meta: {
    id: 'policy-selects-no-pods',
    description: 'NetworkPolicy podSelector matches no pod',
    details:
      'Reports a NetworkPolicy whose non-empty spec.podSelector matches no pod template in its namespace; a note ' +
      'instead of a warning when the input holds no workload near the policy in that namespace, or when the ' +
      "selector names a custom resource or uses an operator's own pod label (pods an operator creates).",
    severity: 'warning',
    tags: ['networkpolicy', 'selector'],
    docs: {
      why:
        'A policy that selects no pod does nothing: the pods it was written for stay open (or stay blocked, when ' +
        'it was meant to allow something a default-deny blocks). A label typo is the usual cause.',
      symptoms: [
        'traffic a policy should block still gets through',
        'requests time out although an allow policy exists',
      ],
      fix: 'Make spec.podSelector match the pod template labels of the workload it is for.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: cart}\nspec:\n  podSelector:\n    matchLabels: {name: cart}\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: cart}\nspec:\n  podSelector:\n    matchLabels: {name: carts}\n',
      },
    },
  },
  check(ctx) {
    const engine = policyEngine(ctx.model, ctx.cluster);
    for (const policy of engine.policies) {
      // Kubernetes NetworkPolicies; Cilium's selectors and ports are judged by their own rules.
      if (policy.dialect !== 'kubernetes') continue;
      if (policy.podSelector.requirements.length === 0 || policy.podSelector.errors.length) continue;
      if (engine.podsSelectedBy(policy).length > 0) continue;
      const described = ctx.model.describesPodsNear(policy.namespace, policy.obj);
      // A custom resource named by the selector (cnpg.io/cluster: pg and Cluster pg) may well
      // create these pods: the input cannot prove the policy idle.
      const providers = ctx.model.outsideProviders(
        policy.namespace,
        { selector: policy.podSelector },
        policy.obj,
      );
      ctx.report({
        object: policy.obj,
        path: ['spec', 'podSelector'],
        severity: described && !providers.likely ? 'warning' : 'note',
        message:
          (described
            ? `NetworkPolicy ${policy.obj.name} selects ${formatSelector(policy.podSelector)}, which no pod in namespace '${policy.namespace}' has: the policy applies to nothing. Fix the selector to match the pod template labels.`
            : `NetworkPolicy ${policy.obj.name} selects ${formatSelector(policy.podSelector)}, and the input holds no workload in namespace '${policy.namespace}' near it to check it against.`) +
          describeProviders(providers, 'pods'),
        related: [
          ...podOwners(
            ctx.model.podsSharingLabels(policy.podSelector, policy.namespace),
            (p) => `pod labels of ${p.owner.id}`,
          ),
          ...providers.named.slice(0, 3).map((o) => ({
            object: o,
            path: ['metadata', 'name'],
            message: `${o.id} may create the selected pods`,
          })),
        ],
      });
    }
  },
};
