import { podOwners } from '../../src/engine/related';
import type { Rule } from '../../src/engine/types';
import type { PodTemplate } from '../../src/model/pods';
import { policyEngine, type Policy, type PolicyRule } from '../../src/netpol/index';
import type { PolicyEngine } from '../../src/netpol/engine';

/** The pods a rule's ports refer to: the policy's own pods for ingress, the peers for egress. */
export function destinationPods(
  engine: PolicyEngine,
  policy: Policy,
  rule: PolicyRule,
): readonly PodTemplate[] {
  if (rule.direction === 'ingress') return engine.podsSelectedBy(policy);
  if (!rule.peers) return [];
  return [...new Set(rule.peers.flatMap((peer) => engine.podsMatchingPeer(policy, peer)))];
}

export const policyNamedPortMissing: Rule = {
  meta: {
    id: 'policy-named-port-missing',
    description: 'A policy names a port no selected pod defines',
    details:
      'Reports a named port in a NetworkPolicy rule, or in a Cilium toPorts entry (L7 rules included), that no pod ' +
      'the rule applies to defines with that protocol: ' +
      'for ingress the pods the policy selects, for egress the pods its peers select. Named ports resolve on the ' +
      'destination pod.',
    severity: 'warning',
    tags: ['networkpolicy', 'ports'],
    docs: {
      why: 'A named port that resolves on no pod matches no traffic, so the rule allows nothing on it.',
      symptoms: ['requests time out although a policy allows the port by name'],
      fix: 'Use a port name the destination containers declare (ports[].name, with the same protocol), or the number.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - ports:\n    - port: https\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - ports:\n    - port: http\n',
      },
    },
  },
  check(ctx) {
    const engine = policyEngine(ctx.model, ctx.cluster);
    for (const policy of engine.policies) {
      for (const rule of [...policy.ingressRules, ...policy.egressRules]) {
        const named = (rule.ports ?? []).filter((p) => typeof p.port === 'string');
        if (!named.length) continue;
        const pods = destinationPods(engine, policy, rule).filter((p) => p.portsKnown);
        if (!pods.length) continue;
        // A Cilium port of protocol ANY is read as one spec per protocol at one path: the written
        // entry is fine when any of them resolves.
        const resolves = (path: string) =>
          named.some(
            (spec) =>
              spec.path.join('.') === path &&
              pods.some((pod) =>
                pod.containers.some(
                  (c) =>
                    c.role !== 'init' &&
                    c.ports.some((p) => p.name === spec.port && p.protocol === spec.protocol),
                ),
              ),
          );
        const done = new Set<string>();
        for (const spec of named) {
          const at = spec.path.join('.');
          if (done.has(at)) continue;
          done.add(at);
          if (resolves(at)) continue;
          const protocols = named.filter((n) => n.path.join('.') === at).map((n) => n.protocol);
          const owners = [...new Set(pods.map((p) => `${p.owner.kind} ${p.owner.name}`))]
            .slice(0, 3)
            .join(', ');
          ctx.report({
            object: policy.obj,
            path: [...spec.path, 'port'],
            message:
              `${policy.obj.kind} ${policy.obj.name} ${rule.deny ? `${rule.direction}Deny` : rule.direction} rule ${rule.index} ${rule.deny ? 'denies' : 'allows'} port '${String(spec.port)}'/${protocols.length > 1 ? 'ANY' : spec.protocol}, which no container of ${owners} defines: the rule matches no traffic on it` +
              (spec.l7.length ? `, and its ${spec.l7.join('/')} rules filter nothing.` : '.'),
            related: podOwners(pods, (p) => `containers of ${p.owner.id}`),
          });
        }
      }
    }
  },
};
