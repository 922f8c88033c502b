import type { Rule } from '../../src/engine/types';
import { kubeletConfigs, nodeLocalIPs, sameIp } from '../../src/dns/cluster';
import { parseIp } from '../../src/net/cidr';
import { egressIsolationPath, ipEndpoint, policyEngine, type Policy } from '../../src/netpol/index';
import { asArray, asString } from '../../src/util/values';

const POLICY = (extra: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-dns, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector:
        matchLabels: {kubernetes.io/metadata.name: kube-system}
      podSelector:
        matchLabels: {k8s-app: kube-dns}
${extra}    ports:
    - {port: 53, protocol: UDP}
    - {port: 53, protocol: TCP}
`;

export const nodeLocalDnsBlocked: Rule = {
  meta: {
    id: 'node-local-dns-blocked',
    description: 'Egress policy allows kube-dns pods but not the NodeLocal DNSCache address',
    details:
      'With NodeLocal DNSCache deployed (a node-cache container with -localip, or cluster.dns.nodeLocalIP in the ' +
      'config), reports egress policies whose pods may reach the kube-dns pods on 53/UDP but not the link-local ' +
      'address node-local-dns listens on. A warning when a KubeletConfiguration in the input names that address ' +
      'as clusterDNS (the pods query it); a note otherwise, since in the intercepting mode pods query the kube-dns ' +
      'Service IP and whether the policy applies to the intercepted traffic depends on the CNI.',
    severity: 'warning',
    tags: ['dns', 'networkpolicy'],
    docs: {
      why:
        'node-local-dns runs on the host network and answers on a link-local address (169.254.20.10). A policy ' +
        'that allows DNS only to the CoreDNS pods (a podSelector) does not match traffic to that address, so once ' +
        'pods use NodeLocal DNSCache every lookup is dropped.',
      symptoms: [
        'dial tcp: lookup payments on 169.254.20.10:53: read udp 10.244.1.7:43189->169.254.20.10:53: i/o timeout',
        ';; connection timed out; no servers could be reached',
      ],
      fix: 'Also allow the NodeLocal DNSCache address: `- to: [{ipBlock: {cidr: 169.254.20.10/32}}]` on 53/UDP and 53/TCP.',
      example: {
        bad: POLICY(''),
        good: POLICY('    - ipBlock: {cidr: 169.254.20.10/32}\n'),
      },
    },
  },
  check(ctx) {
    const { model, cluster } = ctx;
    const local = nodeLocalIPs(model, cluster).filter(
      (s) => parseIp(s.value)?.family === 4 && s.value.startsWith('169.254.'),
    );
    const first = local[0];
    if (!first) return;
    const engine = policyEngine(model, cluster);
    if (engine.policies.length === 0) return;
    const localEndpoint = ipEndpoint(first.value);
    if (!localEndpoint) return;
    const kubeletUsesIt = kubeletConfigs(model).some((k) =>
      asArray(k.raw['clusterDNS']).some((v) => sameIp(asString(v) ?? '', first.value)),
    );
    const labels = Object.entries(cluster.dns.podLabels);
    const dnsPods = model
      .podsIn(cluster.dns.namespace)
      .filter((p) => labels.every(([k, v]) => p.labels.get(k) === v));
    const reported = new Set<Policy>();
    for (const pod of model.pods) {
      if (pod.origin !== 'workload' && pod.origin !== 'operator') continue;
      if (pod.hostNetwork || (pod.dnsPolicy !== undefined && !pod.dnsPolicy.startsWith('ClusterFirst')))
        continue;
      const isolating = engine.isolating(pod, 'egress');
      if (isolating.length === 0) continue;
      const toDnsPods = dnsPods.some(
        (d) => engine.egress(pod, { kind: 'pod', pod: d }, { protocol: 'UDP', port: 53 }).allowed,
      );
      if (!toDnsPods) continue; // egress-blocks-dns reports pods without any DNS.
      if (engine.egress(pod, localEndpoint, { protocol: 'UDP', port: 53 }).allowed) continue;
      const policy = isolating[0] as Policy;
      if (reported.has(policy)) continue;
      reported.add(policy);
      ctx.report({
        object: policy.obj,
        path: egressIsolationPath(policy),
        severity: kubeletUsesIt ? 'warning' : 'note',
        message: `${policy.obj.kind} ${policy.obj.name} lets ${pod.owner.kind} ${pod.owner.name} reach the kube-dns pods on 53/UDP but not NodeLocal DNSCache at ${first.value}${kubeletUsesIt ? ', which the kubelet gives pods as their nameserver: every lookup times out' : ': if pods query it (kubelet clusterDNS), every lookup times out'}. Allow ${first.value}/32 on 53/UDP and 53/TCP.`,
        ...(first.object
          ? { related: [{ object: first.object, path: first.path, message: 'NodeLocal DNSCache address' }] }
          : {}),
      });
    }
  },
};
