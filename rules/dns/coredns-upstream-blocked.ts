import type { Rule } from '../../src/engine/types';
import { isLoopback } from '../../src/dns/cluster';
import { isPlaceholder } from '../../src/dns/corefile';
import { clusterDnsBlocks } from '../../src/dns/source';
import { forwardTarget } from '../../src/dns/validate';
import { egressIsolatedDnsPods } from './dns-pods';
import { egressIsolationPath, ipEndpoint, type Policy } from '../../src/netpol/index';

const POLICY = (egress: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: coredns, namespace: kube-system}
spec:
  podSelector:
    matchLabels: {k8s-app: kube-dns}
  policyTypes: [Egress]
  egress:
  - ports: [{port: 6443, protocol: TCP}]
${egress}---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        kubernetes cluster.local
        forward . 10.0.0.2
    }
`;

export const corednsUpstreamBlocked: Rule = {
  meta: {
    id: 'coredns-upstream-blocked',
    description: 'Egress policy on the CoreDNS pods blocks their upstream resolvers',
    details:
      'For each forward target (an IP address) of the cluster DNS Corefile, main and stub-domain blocks, asks the ' +
      'NetworkPolicy engine whether the cluster DNS pods may send to it on the target port over UDP and TCP. An ' +
      'error when UDP is blocked, a warning when only TCP is. Targets that are files (/etc/resolv.conf), ' +
      'loopback addresses or placeholders are not judged.',
    severity: 'error',
    tags: ['dns', 'coredns', 'networkpolicy'],
    docs: {
      why:
        'A default-deny egress policy in kube-system also isolates CoreDNS. Cluster names keep resolving (the ' +
        'kubernetes plugin answers them from memory), but every query CoreDNS forwards times out, so external and ' +
        'stub-domain names fail across the whole cluster.',
      symptoms: [
        '[ERROR] plugin/errors: 2 example.com. A: read udp 10.244.0.5:41022->10.0.0.2:53: i/o timeout',
        'lookup example.com on 10.96.0.10:53: server misbehaving',
        ';; ->>HEADER<<- opcode: QUERY, status: SERVFAIL',
      ],
      fix: 'Allow egress from the CoreDNS pods to each upstream on 53/UDP and 53/TCP (an ipBlock for the resolvers).',
      example: {
        bad: POLICY(''),
        good: POLICY(
          '  - to: [{ipBlock: {cidr: 10.0.0.2/32}}]\n    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]\n',
        ),
      },
    },
  },
  check(ctx) {
    const { model, cluster } = ctx;
    const scope = egressIsolatedDnsPods(ctx);
    if (!scope) return;
    const { engine, pods } = scope;
    for (const { src, block } of clusterDnsBlocks(model, cluster.dns.namespace)) {
      for (const d of block.directives) {
        if (d.name.text !== 'forward') continue;
        for (const to of d.args.slice(1)) {
          if (isPlaceholder(to.text)) continue;
          const target = forwardTarget(to.text);
          if (target === 'file' || isLoopback(target.host)) continue;
          const dst = ipEndpoint(target.host);
          const port = Number(target.port);
          if (!dst || !Number.isInteger(port)) continue;
          for (const pod of pods) {
            const udp =
              target.transport === 'dns' && engine.egress(pod, dst, { protocol: 'UDP', port }).allowed;
            const tcp = engine.egress(pod, dst, { protocol: 'TCP', port }).allowed;
            if (tcp && (udp || target.transport !== 'dns')) continue;
            const policy = engine.isolating(pod, 'egress')[0] as Policy;
            const line = `${src.object.name} ${src.key} line ${to.line + 1}`;
            ctx.report({
              object: policy.obj,
              path: egressIsolationPath(policy),
              severity: !udp && target.transport === 'dns' ? 'error' : 'warning',
              message:
                !udp && target.transport === 'dns'
                  ? `${policy.obj.kind} ${policy.obj.name} isolates egress of the CoreDNS pods (${pod.owner.kind} ${pod.owner.name}) and nothing allows their upstream ${to.text} on ${port}/UDP (forward in ${line}): names forwarded there time out (SERVFAIL).`
                  : `${policy.obj.kind} ${policy.obj.name} isolates egress of the CoreDNS pods (${pod.owner.kind} ${pod.owner.name}) and nothing allows their upstream ${to.text} on ${port}/TCP (forward in ${line}): answers too large for UDP${target.transport === 'dns' ? '' : ' (all of DNS over TLS)'} fail.`,
              related: [
                {
                  object: src.object,
                  path: ['data', src.key],
                  message: `forward ${d.args.map((a) => a.text).join(' ')}`,
                },
              ],
            });
            break;
          }
        }
      }
    }
  },
};
