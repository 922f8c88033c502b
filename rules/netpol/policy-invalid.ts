import type { Rule } from '../../src/engine/types';
import { policiesOf } from '../../src/netpol/policy';

export const policyInvalid: Rule = {
  meta: {
    id: 'policy-invalid',
    description: 'A NetworkPolicy the API server rejects',
    details:
      'Reports what NetworkPolicy validation rejects: endPort below port, endPort with a named port or without ' +
      'port, ipBlock combined with a selector in one peer, a peer with no selector or ipBlock, malformed label ' +
      'selectors, unknown protocols and policyTypes.',
    severity: 'error',
    tags: ['networkpolicy'],
    docs: {
      why: 'The apply fails, so the policy you reviewed is not the one in force.',
      symptoms: [
        'The NetworkPolicy "x" is invalid: spec.egress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`',
      ],
      fix: 'Put ipBlock in a peer of its own, give endPort a numeric port below it, and use In, NotIn, Exists or DoesNotExist in matchExpressions.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  egress:\n  - ports:\n    - {port: 32000, endPort: 30000}\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  egress:\n  - ports:\n    - {port: 30000, endPort: 32000}\n',
      },
    },
  },
  check(ctx) {
    for (const policy of policiesOf(ctx.model)) {
      for (const e of policy.errors) {
        ctx.report({
          object: policy.obj,
          path: e.path,
          message: `NetworkPolicy ${policy.obj.name}: ${e.message}; the API server rejects it.`,
        });
      }
    }
  },
};
