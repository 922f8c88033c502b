import { podOwners } from '../../src/engine/related';
import type { Rule } from '../../src/engine/types';
import { describeProviders } from '../../src/model/providers';
import { formatSelector } from '../../src/model/labels';
import { policyEngine } from '../../src/netpol/index';
import {
  peerNamespaces,
  peerPodSelector,
  peerSelectsSomePod,
  podLabelPart,
  selectsPodsByLabel,
  writtenSelector,
} from '../../src/netpol/peer-scope';

export const policyPeerSelectsNothing: Rule = {
  meta: {
    id: 'policy-peer-selects-nothing',
    description: 'A from/to podSelector (or Cilium fromEndpoints/toEndpoints) matches no pod',
    details:
      'Reports a NetworkPolicy peer whose podSelector matches no pod in the namespaces it reaches (the policy’s own, ' +
      'or those its namespaceSelector selects), and a Cilium fromEndpoints/toEndpoints selector that matches no pod ' +
      'of the namespaces it reaches (the policy’s own, or those its io.kubernetes.pod.namespace label names), ' +
      'when the input describes the workloads of those namespaces; a note for a CiliumCIDRGroup (cidrGroupRef or ' +
      'cidrGroupSelector) the input does not hold. Peers ' +
      'into namespaces the input does not describe near the policy are not reported; the cluster DNS pods count as ' +
      "present. A note when the peer names a custom resource or uses an operator's own pod label.",
    severity: 'warning',
    tags: ['networkpolicy', 'selector'],
    docs: {
      why: 'A peer that matches no pod admits no one: the traffic the rule was written for is dropped.',
      symptoms: ['connections time out (SYN without reply) after a NetworkPolicy was added'],
      fix: 'Make the peer podSelector match the pod template labels of the intended clients or servers.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db}\nspec:\n  podSelector: {matchLabels: {name: carts-db}}\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {name: cart}}\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db}\nspec:\n  podSelector: {matchLabels: {name: carts-db}}\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {name: carts}}\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const engine = policyEngine(model, ctx.cluster);
    for (const policy of engine.policies) {
      for (const rule of [...policy.ingressRules, ...policy.egressRules]) {
        for (const peer of rule.peers ?? []) {
          // A CIDR group the input does not hold: what the rule admits is unknown, say what is missing.
          if (peer.kind === 'unresolved' && peer.source === 'cidrGroup') {
            ctx.report({
              object: policy.obj,
              path: peer.path,
              severity: 'note',
              message: `${policy.obj.kind} ${policy.obj.name} ${rule.deny ? `${rule.direction}Deny` : rule.direction} rule ${rule.index} names ${peer.what}, which is not in the input; cannot check the addresses it ${rule.deny ? 'denies' : 'admits'} (a group that does not exist matches nothing). Add the CiliumCIDRGroup to the input, or check its name.`,
            });
            continue;
          }
          const selector = peerPodSelector(peer);
          if (!selector || !selectsPodsByLabel(selector)) continue;
          // Selectors naming no namespace in a cluster-wide policy reach every repository's pods.
          const namespaces = peerNamespaces(engine, policy, peer);
          if (!namespaces) continue;
          if (peerSelectsSomePod(engine, policy, peer, namespaces)) continue;
          // Judged only where the input describes the workloads near the policy.
          const described = namespaces.filter((ns) => model.describesPodsNear(ns, policy.obj));
          if (described.length === 0) continue;
          const providers = described.map((ns) =>
            model.outsideProviders(ns, { selector: podLabelPart(selector) }, policy.obj),
          );
          const named = providers.flatMap((p) => p.named);
          const creators = providers.flatMap((p) => p.creators);
          const operatorLabels = providers.flatMap((p) => p.operatorLabels);
          const likely = providers.some((p) => p.likely);
          const where =
            peer.kind === 'pods' && !peer.namespaceSelector
              ? `namespace '${policy.namespace}'`
              : `the namespaces it selects (${described.join(', ')})`;
          const what = peer.kind === 'pods' ? 'peer podSelector' : 'peer endpoint selector';
          ctx.report({
            object: policy.obj,
            path: peer.kind === 'pods' ? [...peer.path, 'podSelector'] : peer.path,
            ...(likely ? { severity: 'note' as const } : {}),
            message:
              `${policy.obj.kind} ${policy.obj.name} ${rule.deny ? `${rule.direction}Deny` : rule.direction} rule ${rule.index}: ${what} ${formatSelector(writtenSelector(policy, selector))} matches no pod in ${where}, so it ${rule.deny ? 'denies nothing' : 'admits no one'}. Match the pod template labels of the intended peers.` +
              describeProviders({ named, creators, operatorLabels }, 'pods'),
            related: [
              ...podOwners(
                described.flatMap((ns) => model.podsSharingLabels(podLabelPart(selector), ns)),
                (p) => `pod labels of ${p.owner.id}`,
              ),
              ...named.slice(0, 3).map((o) => ({
                object: o,
                path: ['metadata', 'name'],
                message: `${o.id} may create the peer pods`,
              })),
            ],
          });
        }
      }
    }
  },
};
