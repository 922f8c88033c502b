import type { Rule } from '../../src/engine/types';
import { policiesOf } from '../../src/netpol/policy';

export const policyEgressIgnored: Rule = {
  meta: {
    id: 'policy-egress-ignored',
    description: 'Rules for a direction that policyTypes leaves out',
    details:
      'Reports egress rules in a NetworkPolicy whose explicit policyTypes omits Egress, and ingress rules in one ' +
      'whose policyTypes omits Ingress. Those rules are ignored.',
    severity: 'warning',
    tags: ['networkpolicy'],
    docs: {
      why:
        'policyTypes decides which directions a policy governs. Rules for a direction it does not list have no ' +
        'effect: the egress restrictions you wrote are not applied, and the traffic they allow is not allowed either.',
      symptoms: ['an egress allow-list has no effect', 'pods reach destinations the policy does not list'],
      fix: 'Add the direction to policyTypes, or remove the rules.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: api}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n  egress:\n  - to:\n    - podSelector: {matchLabels: {app: db}}\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: api}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  egress:\n  - to:\n    - podSelector: {matchLabels: {app: db}}\n',
      },
    },
  },
  check(ctx) {
    for (const policy of policiesOf(ctx.model)) {
      if (!policy.explicitTypes) continue;
      if (!policy.egress && policy.egressRules.length) {
        ctx.report({
          object: policy.obj,
          path: ['spec', 'egress'],
          message: `NetworkPolicy ${policy.obj.name} has egress rules, but its policyTypes does not include Egress: they are ignored. Add Egress to policyTypes or remove them.`,
          related: [{ object: policy.obj, path: ['spec', 'policyTypes'], message: 'policyTypes' }],
        });
      }
      if (!policy.ingress && policy.ingressRules.length) {
        ctx.report({
          object: policy.obj,
          path: ['spec', 'ingress'],
          message: `NetworkPolicy ${policy.obj.name} has ingress rules, but its policyTypes does not include Ingress: they are ignored. Add Ingress to policyTypes or remove them.`,
          related: [{ object: policy.obj, path: ['spec', 'policyTypes'], message: 'policyTypes' }],
        });
      }
    }
  },
};
