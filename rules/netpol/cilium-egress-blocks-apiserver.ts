import type { Rule } from '../../src/engine/types';
import type { KObject } from '../../src/model/object';
import type { PodTemplate } from '../../src/model/pods';
import { endpointLabels, SERVICE_ACCOUNT } from '../../src/netpol/cilium-labels';
import { egressIsolationPath, policyEngine, type Policy } from '../../src/netpol/index';
import { asArray, asRecord, asString } from '../../src/util/values';
import { ownerList } from '../../src/engine/related';

/** Service accounts (namespace/name) that a RoleBinding or ClusterRoleBinding of the input grants. */
function boundServiceAccounts(objects: readonly KObject[]): Map<string, KObject> {
  const out = new Map<string, KObject>();
  for (const b of objects) {
    for (const s of asArray(b.raw['subjects'])) {
      const subject = asRecord(s);
      if (asString(subject?.['kind']) !== 'ServiceAccount') continue;
      const name = asString(subject?.['name']);
      // A RoleBinding's subject namespace defaults to the binding's.
      const ns = asString(subject?.['namespace']) ?? b.namespace;
      if (name && ns && !out.has(`${ns}/${name}`)) out.set(`${ns}/${name}`, b);
    }
  }
  return out;
}

/** Peers that may cover the API server depending on where it runs (nodes, or outside the cluster). */
const MAYBE = new Set(['world', 'world-ipv4', 'world-ipv6', 'host', 'remote-node']);

export const ciliumEgressBlocksApiserver: Rule = {
  meta: {
    id: 'cilium-egress-blocks-apiserver',
    description: 'Cilium egress policy cuts a workload off the API server',
    details:
      'Reports a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy that puts pods in egress default deny when ' +
      'the input proves they call the Kubernetes API (their service account is a subject of a RoleBinding or ' +
      'ClusterRoleBinding in the input) and no egress rule allows the kube-apiserver entity (toEntities ' +
      'kube-apiserver, cluster or all, or an L4-only rule). A warning; a note when a rule allows world, host, ' +
      'remote-node or a CIDR, which covers the API server only in some clusters (managed control planes, ' +
      'policy-cidr-match-mode). Pods with automountServiceAccountToken: false are skipped.',
    severity: 'warning',
    tags: ['networkpolicy', 'cilium'],
    docs: {
      why:
        "Cilium gives the API server its own identity (reserved:kube-apiserver). An allow written as the API server's " +
        'address (toCIDR), as endpoint labels (component: kube-apiserver) or as the kubernetes Service does not match ' +
        'it, so controllers and operators behind an egress policy time out on every API call.',
      symptoms: [
        'dial tcp 10.96.0.1:443: i/o timeout',
        'Failed to watch *v1.Pod: failed to list *v1.Pod: Get "https://10.96.0.1:443/api/v1/pods": dial tcp 10.96.0.1:443: i/o timeout',
        'hubble observe: DROPPED (Policy denied) ... -> kube-apiserver',
      ],
      fix: 'Add an egress rule `toEntities: [kube-apiserver]` (with `toPorts` 443 and 6443 if you restrict ports) to the policy that isolates the pods.',
      example: {
        bad:
          'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: operator}\nspec:\n  endpointSelector: {matchLabels: {app: operator}}\n' +
          '  egress:\n  - toCIDR: [10.96.0.1/32]\n',
        good:
          'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: operator}\nspec:\n  endpointSelector: {matchLabels: {app: operator}}\n' +
          '  egress:\n  - toEntities: [kube-apiserver]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const engine = policyEngine(model, ctx.cluster);
    if (!engine.policies.some((p) => p.dialect === 'cilium')) return;
    const bound = boundServiceAccounts([
      ...model.ofKind('rbac.authorization.k8s.io', 'RoleBinding'),
      ...model.ofKind('rbac.authorization.k8s.io', 'ClusterRoleBinding'),
    ]);
    const byPolicy = new Map<Policy, { pods: PodTemplate[]; maybe: boolean; binding: KObject }>();
    for (const pod of model.pods) {
      if (pod.origin !== 'workload' || pod.hostNetwork || !pod.specPath) continue;
      const sa = endpointLabels(model, pod).get(SERVICE_ACCOUNT);
      if (typeof sa !== 'string') continue;
      const binding = bound.get(`${pod.namespace}/${sa}`);
      if (!binding) continue;
      let spec: Record<string, unknown> | undefined = pod.owner.raw;
      for (const k of pod.specPath) spec = asRecord(spec?.[k as string]);
      if (spec?.['automountServiceAccountToken'] === false) continue;
      const isolating = engine.isolating(pod, 'egress').filter((p) => p.dialect === 'cilium');
      if (isolating.length === 0) continue;
      const side = engine.egressConns(pod, { kind: 'entity', entity: 'kube-apiserver' });
      if (!side.conns.isEmpty()) continue;
      const maybe = engine
        .applying(pod, 'egress')
        .some((p) =>
          p.egressRules.some(
            (r) =>
              !r.deny &&
              (r.peers ?? []).some(
                (peer) =>
                  peer.kind === 'cidr' ||
                  peer.kind === 'ipBlock' ||
                  peer.kind === 'nodes' ||
                  (peer.kind === 'entity' && MAYBE.has(peer.entity)),
              ),
          ),
        );
      const policy = isolating[0] as Policy;
      const entry = byPolicy.get(policy) ?? { pods: [], maybe: false, binding };
      entry.pods.push(pod);
      entry.maybe = entry.maybe || maybe;
      byPolicy.set(policy, entry);
    }
    for (const [policy, { pods, maybe, binding }] of byPolicy) {
      const shown = ownerList(pods, 4);
      ctx.report({
        object: policy.obj,
        path: egressIsolationPath(policy),
        ...(maybe ? { severity: 'note' as const } : {}),
        message:
          `${policy.obj.kind} ${policy.obj.name} puts ${shown} in egress default deny, and no egress rule allows the ` +
          `kube-apiserver entity, though ${binding.kind} ${binding.name} grants their service account API access: ` +
          (maybe
            ? 'a world, host, remote-node or CIDR allow reaches the API server only in some clusters. '
            : 'every API call times out. ') +
          'Add `toEntities: [kube-apiserver]`.',
        related: [
          { object: binding, path: ['subjects'], message: 'the binding that proves the API calls' },
          ...pods
            .slice(0, 5)
            .map((p) => ({ object: p.owner, path: p.labelsPath, message: `pods of ${p.owner.id}` })),
        ],
      });
    }
  },
};
