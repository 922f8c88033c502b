import { podOwners } from '../../src/engine/related';
import type { Rule } from '../../src/engine/types';
import { policyEngine } from '../../src/netpol/index';
import { destinationPods } from './policy-named-port-missing';

/** L7 parsers that run only on TCP (DNS rules also take UDP). */
const TCP_ONLY_L7 = new Set(['http', 'kafka']);

export const ciliumL7PortNotTcp: Rule = {
  meta: {
    id: 'cilium-l7-port-not-tcp',
    description: 'A Cilium L7 rule on a port the destination serves over UDP only',
    details:
      'Reports a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy toPorts entry with http or kafka rules on a ' +
      'numeric TCP port that the destination pods (the selected pods for ingress, the peer pods for egress) declare ' +
      'only with protocol UDP. A named port no destination pod defines is reported by policy-named-port-missing. ' +
      'Only pods whose ports the input shows are judged.',
    severity: 'warning',
    tags: ['networkpolicy', 'cilium', 'ports'],
    docs: {
      why:
        "Cilium's HTTP and Kafka proxies parse TCP streams, so the agent takes L7 rules on TCP ports only. On a port the " +
        'workload serves over UDP the rule matches no traffic: the UDP traffic it was written for stays in default deny, ' +
        'and the L7 rules filter nothing.',
      symptoms: [
        'UDP traffic is dropped although a policy lists its port (hubble: Policy denied)',
        'cilium-dbg policy get shows the L7 rule, but hubble shows no L7 flows for the port',
      ],
      fix: 'Drop the L7 rules and allow the port with protocol UDP, or point the L7 rules at the TCP port the service really uses.',
      example: {
        bad: 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: syslog}\nspec:\n  endpointSelector: {matchLabels: {app: syslog}}\n  ingress:\n  - toPorts:\n    - ports: [{port: "514", protocol: TCP}]\n      rules:\n        http: [{method: POST}]\n# the syslog pods declare 514/UDP only\n',
        good: 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: syslog}\nspec:\n  endpointSelector: {matchLabels: {app: syslog}}\n  ingress:\n  - toPorts:\n    - ports: [{port: "514", protocol: UDP}]\n',
      },
    },
  },
  check(ctx) {
    const engine = policyEngine(ctx.model, ctx.cluster);
    const done = new Set<string>();
    for (const policy of engine.policies) {
      if (policy.dialect !== 'cilium') continue;
      for (const rule of [...policy.ingressRules, ...policy.egressRules]) {
        const specs = (rule.ports ?? []).filter(
          (p) => p.protocol === 'TCP' && typeof p.port === 'number' && p.l7.some((k) => TCP_ONLY_L7.has(k)),
        );
        if (!specs.length) continue;
        const pods = destinationPods(engine, policy, rule).filter((p) => p.portsKnown);
        if (!pods.length) continue;
        for (const spec of specs) {
          const port = spec.port as number;
          const last = spec.endPort ?? port;
          const declared = (proto: string) =>
            pods.filter((pod) =>
              pod.containers.some(
                (c) =>
                  c.role !== 'init' &&
                  c.ports.some(
                    (p) =>
                      p.protocol === proto &&
                      p.containerPort !== undefined &&
                      p.containerPort >= port &&
                      p.containerPort <= last,
                  ),
              ),
            );
          const udp = declared('UDP');
          if (!udp.length || declared('TCP').length) continue;
          const key = `${policy.obj.doc.file.path} ${policy.obj.id} ${spec.path.join('.')}`;
          if (done.has(key)) continue;
          done.add(key);
          const owners = [...new Set(udp.map((p) => `${p.owner.kind} ${p.owner.name}`))]
            .slice(0, 3)
            .join(', ');
          ctx.report({
            object: policy.obj,
            path: [...spec.path, 'port'],
            message: `${policy.obj.kind} ${policy.obj.name} ${rule.direction} rule ${rule.index} puts ${spec.l7.filter((k) => TCP_ONLY_L7.has(k)).join('/')} rules on ${port}/TCP, but ${owners} serve${udp.length > 1 ? '' : 's'} ${port} over UDP only: L7 rules apply to TCP, so the rule matches none of that traffic.`,
            related: podOwners(udp, (p) => `containers of ${p.owner.id}`),
          });
        }
      }
    }
  },
};
