import type { Rule } from '../../src/engine/types';
import { contains } from '../../src/net/cidr';
import { rangesFor } from '../../src/net/cluster-ranges';
import { policiesOf } from '../../src/netpol/policy';

export const ipblockTargetsClusterRange: Rule = {
  meta: {
    id: 'ipblock-targets-cluster-range',
    description: 'ipBlock aimed at pod or Service IPs',
    details:
      'Reports an ipBlock whose cidr lies inside (or equals) the pod range or the service range of the cluster ' +
      '(from the config, or declared beside the policy). The deliberate all-addresses block (0.0.0.0/0, ::/0), ' +
      'usually with excepts, is not reported.',
    severity: 'warning',
    tags: ['networkpolicy', 'cidr'],
    docs: {
      why:
        'Pod IPs change with every restart, so a rule on pod addresses matches whoever holds them next. Service IPs ' +
        'are translated to pod IPs before NetworkPolicy sees the packet, so a rule on a Service IP never matches.',
      symptoms: [
        'an egress rule to a Service IP has no effect',
        'traffic is allowed to the wrong pods after a rollout',
      ],
      fix: 'Select pods with podSelector and namespaceSelector instead of their addresses.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {cidr: 10.96.0.10/32}\n# with cluster.serviceCIDRs: [10.96.0.0/12]\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}\n      podSelector: {matchLabels: {k8s-app: kube-dns}}\n',
      },
    },
  },
  check(ctx) {
    for (const policy of policiesOf(ctx.model)) {
      const ranges = [
        ...rangesFor(ctx.model, policy.obj, 'pod'),
        ...rangesFor(ctx.model, policy.obj, 'service'),
      ];
      if (!ranges.length) continue;
      for (const rule of [...policy.ingressRules, ...policy.egressRules]) {
        for (const peer of rule.peers ?? []) {
          if (peer.kind !== 'ipBlock' || !peer.cidr || peer.cidr.prefix === 0) continue;
          const hit = ranges.find((r) => r.cidr && contains(r.cidr, peer.cidr!));
          if (!hit) continue;
          const why =
            hit.role === 'service'
              ? 'Service IPs are translated to pod IPs before policies see the traffic, so this never matches'
              : 'pod IPs change with every restart, so this matches whichever pods hold them';
          ctx.report({
            object: policy.obj,
            path: [...peer.path, 'cidr'],
            message: `NetworkPolicy ${policy.obj.name} ${rule.direction} rule ${rule.index}: ipBlock ${peer.cidrText} is inside the ${hit.role} range ${hit.text} (${hit.source}); ${why}. Select the pods with podSelector/namespaceSelector instead.`,
            related: [{ object: hit.object, path: hit.path, message: hit.source }],
          });
        }
      }
    }
  },
};
