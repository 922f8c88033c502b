import type { Rule } from '../../src/engine/types';
import { contains } from '../../src/net/cidr';
import { rangesFor } from '../../src/net/cluster-ranges';
import { cidrMatchesNodes } from '../../src/netpol/cilium-mode';
import { allPoliciesOf } from '../../src/netpol/dialects';

export const ipblockTargetsClusterRange: Rule = {
  meta: {
    id: 'ipblock-targets-cluster-range',
    description: 'ipBlock (or Cilium CIDR rule) aimed at pod, Service or node IPs',
    details:
      'Reports an ipBlock whose cidr lies inside (or equals) the pod range or the service range of the cluster ' +
      '(from the config, or declared beside the policy), and a Cilium toCIDR/toCIDRSet/fromCIDR/fromCIDRSet ' +
      '(CIDR groups included) inside the pod, service or node range: Cilium matches no pod and no node by ' +
      'CIDR (nodes only with policy-cidr-match-mode: nodes in cilium-config). The deliberate all-addresses ' +
      'block (0.0.0.0/0, ::/0), usually with excepts, is not reported.',
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
    const nodesByCidr = cidrMatchesNodes(ctx.model);
    // A Cilium policy of several rules (specs) is read once per rule: one finding per place.
    const seen = new Set<string>();
    for (const policy of allPoliciesOf(ctx.model)) {
      const cilium = policy.dialect === 'cilium';
      const ranges = [
        ...rangesFor(ctx.model, policy.obj, 'pod'),
        ...rangesFor(ctx.model, policy.obj, 'service'),
        ...(cilium && !nodesByCidr ? rangesFor(ctx.model, policy.obj, 'node') : []),
      ];
      if (!ranges.length) continue;
      for (const rule of [...policy.ingressRules, ...policy.egressRules]) {
        for (const peer of rule.peers ?? []) {
          if ((peer.kind !== 'ipBlock' && peer.kind !== 'cidr') || !peer.cidr || peer.cidr.prefix === 0)
            continue;
          const hit = ranges.find((r) => r.cidr && contains(r.cidr, peer.cidr!));
          if (!hit) continue;
          const at = peer.kind === 'ipBlock' ? [...peer.path, 'cidr'] : peer.path;
          const key = `${policy.obj.doc.file.path} ${policy.obj.id} ${at.join('.')}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const why =
            hit.role === 'service'
              ? 'Service IPs are translated to pod IPs before policies see the traffic, so this never matches'
              : cilium
                ? // "CIDR rules do not apply to traffic where both sides of the connection are either
                  // managed by Cilium or use an IP belonging to a node in the cluster" (Cilium docs, IP/CIDR based).
                  `Cilium does not match ${hit.role === 'node' ? 'nodes' : 'its own endpoints'} by CIDR, so this matches no ${hit.role}`
                : 'pod IPs change with every restart, so this matches whichever pods hold them';
          const instead = !cilium
            ? 'Select the pods with podSelector/namespaceSelector instead.'
            : hit.role === 'node'
              ? 'Use toEntities/fromEntities host or remote-node (or toNodes/fromNodes) instead.'
              : hit.role === 'service'
                ? 'Select the backends with toEndpoints (or toServices) instead.'
                : 'Select the pods with toEndpoints/fromEndpoints instead.';
          const field = peer.kind === 'ipBlock' ? 'ipBlock' : 'CIDR rule';
          ctx.report({
            object: policy.obj,
            path: at,
            message: `${policy.obj.kind} ${policy.obj.name} ${rule.deny ? `${rule.direction}Deny` : rule.direction} rule ${rule.index}: ${field} ${peer.cidrText} is inside the ${hit.role} range ${hit.text} (${hit.source}); ${why}. ${instead}`,
            related: [{ object: hit.object, path: hit.path, message: hit.source }],
          });
        }
      }
    }
  },
};
