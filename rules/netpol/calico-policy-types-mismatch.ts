import type { Rule } from '../../src/engine/types';
import { calicoPoliciesOf } from '../../src/netpol/calico';

export const calicoPolicyTypesMismatch: Rule = {
  meta: {
    id: 'calico-policy-types-mismatch',
    description: 'Calico policy rules that its `types` switch off',
    details:
      'Reports a Calico NetworkPolicy or GlobalNetworkPolicy whose `types` leaves out a direction it has rules for: ' +
      '`types: [Ingress]` with egress rules, or `types: [Egress]` with ingress rules. Calico applies a policy only ' +
      'in the directions of its types, so those rules are never evaluated. (Without `types`, Calico defaults it ' +
      'from the rules present, which never contradicts them.)',
    severity: 'warning',
    tags: ['networkpolicy', 'calico'],
    docs: {
      why:
        'The rules read as if they were enforced, but Calico ignores them: an egress Deny meant to block a ' +
        'destination lets everything through, and an Allow meant to open it does nothing.',
      symptoms: [
        'a Calico egress Deny rule has no effect: the pod still reaches the blocked address',
        'calicoctl get networkpolicy shows the rules, but traffic ignores them',
      ],
      fix: 'Add the direction to `types`, or drop `types` and let Calico default it from the rules, or remove the rules.',
      example: {
        bad: 'apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: all()\n  types: [Ingress]\n  egress:\n  - action: Deny\n    destination: {nets: [169.254.169.254/32]}\n',
        good: 'apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: all()\n  types: [Ingress, Egress]\n  egress:\n  - action: Deny\n    destination: {nets: [169.254.169.254/32]}\n  - action: Allow\n',
      },
    },
  },
  check(ctx) {
    for (const policy of calicoPoliciesOf(ctx.model)) {
      if (!policy.explicitTypes || policy.errors.length) continue;
      for (const [direction, on, rules] of [
        ['ingress', policy.ingress, policy.ingressRules],
        ['egress', policy.egress, policy.egressRules],
      ] as const) {
        if (on || rules.length === 0) continue;
        const type = direction === 'ingress' ? 'Ingress' : 'Egress';
        ctx.report({
          object: policy.obj,
          path: ['spec', 'types'],
          message: `${policy.obj.kind} ${policy.obj.name} has ${rules.length} ${direction} rule${rules.length === 1 ? '' : 's'} but its types leave out ${type}: Calico never evaluates them. Add ${type} to types, or remove the rules.`,
          related: [
            { object: policy.obj, path: ['spec', direction], message: `the ignored ${direction} rules` },
          ],
        });
      }
    }
  },
};
