import { describeProviders } from '../../src/model/providers';
import { podOwners } from '../../src/engine/related';
import type { Rule } from '../../src/engine/types';
import { formatSelector } from '../../src/model/labels';
import type { KObject } from '../../src/model/object';
import { policyEngine } from '../../src/netpol/index';
import {
  podLabelPart,
  selectsPodsByLabel,
  subjectNamespaces,
  writtenSelector,
} from '../../src/netpol/peer-scope';

export const policySelectsNoPods: Rule = {
  meta: {
    id: 'policy-selects-no-pods',
    description: 'NetworkPolicy podSelector (or Cilium endpointSelector) matches no pod',
    details:
      'Reports a NetworkPolicy whose non-empty spec.podSelector matches no pod template in its namespace, and a ' +
      'CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy whose endpointSelector matches no pod in the ' +
      'namespaces it can select (its own, or those its io.kubernetes.pod.namespace label names); a note ' +
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
    // A Cilium policy of several rules (specs) is read as one Policy per rule: one finding per place.
    const seen = new Map<KObject, Set<string>>();
    for (const policy of engine.policies) {
      // Node selectors (host policies) and the agent's own enable-policy pseudo-policy select no pods.
      if (policy.selectsNodes || policy.obj.kind === 'ConfigMap') continue;
      if (!selectsPodsByLabel(policy.podSelector) || policy.podSelector.errors.length) continue;
      if (engine.podsSelectedBy(policy).length > 0) continue;
      const where =
        policy.dialect === 'kubernetes' ? ['spec', 'podSelector'] : [...policy.specPath, 'endpointSelector'];
      const done = seen.get(policy.obj) ?? new Set<string>();
      if (done.has(where.join('.'))) continue;
      seen.set(policy.obj, done.add(where.join('.')));
      // Severity by evidence: judged where the input describes the workloads near the policy. A
      // cluster-wide selector without a namespace may be meant for any repository's pods: a note.
      const namespaces = subjectNamespaces(policy) ?? [];
      const described = namespaces.filter((ns) => ctx.model.describesPodsNear(ns, policy.obj));
      const labels = podLabelPart(policy.podSelector);
      // A custom resource named by the selector (cnpg.io/cluster: pg and Cluster pg) may well
      // create these pods: the input cannot prove the policy idle.
      const providers = (described.length ? described : namespaces.slice(0, 1)).map((ns) =>
        ctx.model.outsideProviders(ns, { selector: labels }, policy.obj),
      );
      const likely = providers.some((p) => p.likely);
      const named = providers.flatMap((p) => p.named);
      const shown = formatSelector(writtenSelector(policy, policy.podSelector));
      const kind = policy.obj.kind;
      const scope =
        namespaces.length === 1
          ? `namespace '${namespaces[0] ?? ''}'`
          : `namespaces ${namespaces.map((n) => `'${n}'`).join(', ')}`;
      ctx.report({
        object: policy.obj,
        path: where,
        severity: described.length && !likely ? 'warning' : 'note',
        message:
          (described.length
            ? `${kind} ${policy.obj.name} selects ${shown}, which no pod in ${scope} has: the policy applies to nothing. Fix the selector to match the pod template labels.`
            : namespaces.length === 0
              ? `${kind} ${policy.obj.name} selects ${shown} in any namespace, which no pod of the input has; a cluster-wide selector may be meant for pods of other repositories.`
              : `${kind} ${policy.obj.name} selects ${shown}, and the input holds no workload in ${scope} near it to check it against.`) +
          describeProviders(
            {
              named,
              creators: providers.flatMap((p) => p.creators),
              operatorLabels: providers.flatMap((p) => p.operatorLabels),
            },
            'pods',
          ),
        related: [
          ...podOwners(
            (described.length ? described : namespaces.slice(0, 1)).flatMap((ns) =>
              ctx.model.podsSharingLabels(labels, ns),
            ),
            (p) => `pod labels of ${p.owner.id}`,
          ),
          ...named.slice(0, 3).map((o) => ({
            object: o,
            path: ['metadata', 'name'],
            message: `${o.id} may create the selected pods`,
          })),
        ],
      });
    }
  },
};
