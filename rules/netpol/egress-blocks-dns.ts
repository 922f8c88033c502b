import type { Related, Rule } from '../../src/engine/types';
import type { PodTemplate } from '../../src/model/pods';
import { parseIp } from '../../src/net/cidr';
import { policyEngine, type Endpoint, type Policy } from '../../src/netpol/index';
import { podOwners } from '../../src/engine/related';

const FIX = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
    ports:
    - {port: 53, protocol: UDP}
    - {port: 53, protocol: TCP}
`;

export const egressBlocksDns: Rule = {
  meta: {
    id: 'egress-blocks-dns',
    description: 'Egress policy isolates pods without allowing cluster DNS',
    details:
      'Reports a NetworkPolicy that makes pods egress-isolated while no egress rule of any policy selecting them ' +
      'allows the cluster DNS pods (kube-dns in kube-system by default; cluster.dns in the config, including a ' +
      'NodeLocal DNSCache address) on 53/UDP; a warning when 53/UDP is allowed but 53/TCP is not. Pods with ' +
      'hostNetwork or a dnsPolicy other than ClusterFirst(WithHostNet) do not use cluster DNS and are skipped.',
    severity: 'error',
    tags: ['networkpolicy', 'dns'],
    docs: {
      why:
        'Once any policy selects a pod for Egress, everything not explicitly allowed is dropped, DNS included. Every ' +
        'lookup then times out, so the app fails to reach even the Services that policies allow. DNS answers that ' +
        'do not fit in UDP are retried over TCP, so TCP 53 is needed too.',
      symptoms: [
        'curl: (6) Could not resolve host: payments',
        'dial tcp: lookup payments on 10.96.0.10:53: read udp 10.244.1.7:43189->10.96.0.10:53: i/o timeout',
        "nslookup: can't resolve 'payments'",
        ';; connection timed out; no servers could be reached',
      ],
      fix:
        'Allow DNS egress to the cluster DNS pods, for example with this policy in each namespace:\n\n```yaml\n' +
        FIX +
        '```',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n',
        good: FIX,
      },
    },
  },
  check(ctx) {
    const { model, cluster } = ctx;
    const engine = policyEngine(model, cluster);
    if (engine.policies.length === 0) return;
    const dnsLabels = Object.entries(cluster.dns.podLabels);
    const dnsPods = model
      .podsIn(cluster.dns.namespace)
      .filter((p) => dnsLabels.every(([k, v]) => p.labels.get(k) === v));
    const targets: Endpoint[] = dnsPods.map((pod) => ({ kind: 'pod', pod }));
    const local = cluster.dns.nodeLocalIP ? parseIp(cluster.dns.nodeLocalIP) : undefined;
    if (local)
      targets.push({
        kind: 'ip',
        family: local.family,
        ip: local.value,
        text: cluster.dns.nodeLocalIP ?? '',
      });
    const reaches = (pod: PodTemplate, protocol: string) =>
      targets.some((t) => engine.egress(pod, t, { protocol, port: 53 }).allowed);

    const byPolicy = new Map<Policy, { udp: PodTemplate[]; tcp: PodTemplate[] }>();
    // Pods whose egress is allowed only to the API server's ports (operators, controllers) reach
    // it by the IP in KUBERNETES_SERVICE_HOST, without DNS: a blocked lookup may never happen.
    const apiOnly = new Set<PodTemplate>();
    for (const pod of model.pods) {
      if (pod.origin !== 'workload' && pod.origin !== 'operator') continue;
      // Host-network pods are not selected by policies; Default/None DNS policies do not use cluster DNS.
      if (pod.hostNetwork || (pod.dnsPolicy !== undefined && !pod.dnsPolicy.startsWith('ClusterFirst')))
        continue;
      const isolating = engine.isolating(pod, 'egress');
      if (isolating.length === 0) continue;
      const udp = reaches(pod, 'UDP');
      const tcp = udp && reaches(pod, 'TCP');
      if (udp && tcp) continue;
      const policy = isolating[0] as Policy;
      if (onlyApiServerPorts(isolating)) apiOnly.add(pod);
      const entry = byPolicy.get(policy) ?? { udp: [], tcp: [] };
      (udp ? entry.tcp : entry.udp).push(pod);
      byPolicy.set(policy, entry);
    }
    const dnsName = `${cluster.dns.namespace}/${dnsLabels.map(([k, v]) => `${k}=${v}`).join(',')}`;
    for (const [policy, { udp, tcp }] of byPolicy) {
      const path = policy.explicitTypes ? ['spec', 'policyTypes'] : ['spec', 'egress'];

      for (const [pods, missing] of [
        [udp, 'UDP'],
        [tcp, 'TCP'],
      ] as const) {
        if (!pods.length) continue;
        const apiServerOnly = pods.every((p) => apiOnly.has(p));
        const names = [...new Set(pods.map((p) => `${p.owner.kind} ${p.owner.name}`))];
        const shown =
          names.length > 4
            ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more`
            : names.join(', ');
        const related: Related[] = [
          ...pods.slice(0, 10).map((p) => ({
            object: p.owner,
            path: p.labelsPath,
            message: `egress-isolated pods of ${p.owner.id}`,
          })),
          ...podOwners(dnsPods, (p) => `cluster DNS pods of ${p.owner.id}`, 5),
        ];
        ctx.report({
          object: policy.obj,
          path,
          severity: apiServerOnly ? 'note' : missing === 'UDP' ? 'error' : 'warning',
          message: apiServerOnly
            ? `NetworkPolicy ${policy.obj.name} isolates egress of ${shown} in namespace '${policy.namespace}' and allows egress only to ports ${API_SERVER_PORTS.join(' and ')}/TCP (the API server's): DNS (53/${missing}) is blocked, which matters only if these pods look up names; clients of the API server reach it by IP (KUBERNETES_SERVICE_HOST).`
            : missing === 'UDP'
              ? `NetworkPolicy ${policy.obj.name} isolates egress of ${shown} in namespace '${policy.namespace}', and no egress rule allows DNS (53/UDP) to the cluster DNS pods (${dnsName}): every name lookup fails. Allow 53/UDP and 53/TCP to them (see: kube-netlint explain egress-blocks-dns).`
              : `NetworkPolicy ${policy.obj.name} isolates egress of ${shown} in namespace '${policy.namespace}'; DNS is allowed on 53/UDP but not on 53/TCP, so large answers (retried over TCP) fail. Allow 53/TCP to the cluster DNS pods too.`,
          related,
        });
      }
    }
  },
};

/** Ports the Kubernetes API server listens on (443 behind the kubernetes Service, 6443 on nodes). */
const API_SERVER_PORTS = [443, 6443];

/** Whether every egress rule of the policies allows only TCP ports of the API server. */
function onlyApiServerPorts(policies: readonly Policy[]): boolean {
  const rules = policies.flatMap((p) => p.egressRules);
  return (
    rules.length > 0 &&
    rules.every(
      (r) =>
        r.ports !== undefined &&
        r.ports.every(
          (p) =>
            p.protocol === 'TCP' &&
            typeof p.port === 'number' &&
            API_SERVER_PORTS.includes(p.port) &&
            p.endPort === undefined,
        ),
    )
  );
}
