import type { Rule } from '../../src/engine/types';
import { contains } from '../../src/net/cidr';
import { policiesOf } from '../../src/netpol/policy';

export const ipblockRedundant: Rule = {
  meta: {
    id: 'ipblock-redundant',
    description: 'Overlapping or duplicate ipBlocks in one rule',
    details:
      'Reports an ipBlock peer whose cidr equals or lies inside another ipBlock of the same rule (sizes are compared, so the smaller one is reported).',
    severity: 'note',
    tags: ['networkpolicy', 'cidr'],
    docs: {
      why:
        'Peers of a rule are ORed: a block inside another adds nothing, unless the larger one excepts it, and then ' +
        'the smaller one silently re-admits what the except removed. Either way the rule is harder to read than it ' +
        'needs to be.',
      symptoms: [],
      fix: 'Remove the contained ipBlock, or merge the two into one block with the excepts you mean.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.0/8}\n    - ipBlock: {cidr: 10.1.0.0/16}\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.0/8}\n',
      },
    },
  },
  check(ctx) {
    for (const policy of policiesOf(ctx.model)) {
      for (const rule of [...policy.ingressRules, ...policy.egressRules]) {
        const blocks = (rule.peers ?? []).flatMap((p) =>
          p.kind === 'ipBlock' && p.cidr ? [{ peer: p, cidr: p.cidr }] : [],
        );
        // A rule holds a handful of peers: comparing them pairwise is cheap.
        blocks.forEach((a, i) => {
          const outer = blocks.find(
            (b, j) => j !== i && contains(b.cidr, a.cidr) && (b.cidr.prefix < a.cidr.prefix || j < i),
          );
          if (!outer) return;
          const same = outer.cidr.prefix === a.cidr.prefix;
          const reAdmits = outer.peer.except.some((e) => e.cidr && contains(e.cidr, a.cidr));
          ctx.report({
            object: policy.obj,
            path: [...a.peer.path, 'cidr'],
            message: `NetworkPolicy ${policy.obj.name} ${rule.direction} rule ${rule.index}: ipBlock ${a.peer.cidrText} ${same ? 'duplicates' : 'lies inside'} ipBlock ${outer.peer.cidrText} of the same rule${reAdmits ? ', whose except it re-admits' : ''}.`,
            related: [
              {
                object: policy.obj,
                path: [...outer.peer.path, 'cidr'],
                message: `ipBlock ${outer.peer.cidrText}`,
              },
            ],
          });
        });
      }
    }
  },
};
