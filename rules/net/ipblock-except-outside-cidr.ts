import type { Rule } from '../../src/engine/types';
import { canonical, contains } from '../../src/net/cidr';
import { policiesOf } from '../../src/netpol/policy';

export const ipblockExceptOutsideCidr: Rule = {
  meta: {
    id: 'ipblock-except-outside-cidr',
    description: 'ipBlock except is not strictly inside its cidr',
    details:
      'Reports an ipBlock except entry that is not strictly inside the ipBlock cidr: outside it, overlapping its ' +
      'edge, of the other IP family, or equal to it (which excludes everything).',
    severity: 'error',
    tags: ['networkpolicy', 'cidr'],
    docs: {
      why:
        'The API server requires except entries inside the cidr. Tools that accept them silently subtract or ignore ' +
        'them, so the rule admits or blocks other addresses than its author wrote; an except equal to the cidr makes ' +
        'the peer match nothing.',
      symptoms: [
        'spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
      ],
      fix: 'Make each except a smaller range inside the cidr, in the same IP family; drop the peer if nothing is left.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 172.17.0.0/16\n        except: [10.0.0.0/8]\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 172.17.0.0/16\n        except: [172.17.1.0/24]\n',
      },
    },
  },
  check(ctx) {
    for (const policy of policiesOf(ctx.model)) {
      for (const rule of [...policy.ingressRules, ...policy.egressRules]) {
        for (const peer of rule.peers ?? []) {
          if (peer.kind !== 'ipBlock' || !peer.cidr) continue;
          const cidr = peer.cidr;
          for (const e of peer.except) {
            if (!e.cidr) continue;
            let problem: string | undefined;
            if (e.cidr.family !== cidr.family)
              problem = `is IPv${e.cidr.family} while the cidr ${peer.cidrText} is IPv${cidr.family}`;
            else if (e.cidr.prefix === cidr.prefix && e.cidr.network === cidr.network)
              problem = `equals the cidr ${peer.cidrText}, so the peer matches no address`;
            else if (!contains(cidr, e.cidr))
              problem = contains(e.cidr, cidr)
                ? `contains the whole cidr ${peer.cidrText}, so the peer matches no address`
                : `is outside the cidr ${peer.cidrText} (${canonical(cidr)})`;
            if (!problem) continue;
            ctx.report({
              object: policy.obj,
              path: e.path,
              message: `NetworkPolicy ${policy.obj.name} ${rule.direction} rule ${rule.index}: except ${e.text} ${problem}. The API server requires a strict subset of the cidr.`,
              related: [
                {
                  object: policy.obj,
                  path: [...peer.path, 'cidr'],
                  message: `ipBlock cidr ${peer.cidrText}`,
                },
              ],
            });
          }
        }
      }
    }
  },
};
