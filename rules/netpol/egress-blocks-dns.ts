import type { Related, Rule } from '../../src/engine/types';
import type { PodTemplate } from '../../src/model/pods';
import {
  egressIsolationPath,
  ipEndpoint,
  policyEngine,
  type Endpoint,
  type Policy,
  type PolicyEngine,
  type PolicyRule,
} from '../../src/netpol/index';
import { parseCidr } from '../../src/net/cidr';
import { ownerList, podOwners } from '../../src/engine/related';

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

const CILIUM_FIX = `apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata:
  name: allow-dns-egress
spec:
  endpointSelector: {}
  egress:
  - toEndpoints:
    - matchLabels:
        k8s:io.kubernetes.pod.namespace: kube-system
        k8s-app: kube-dns
    toPorts:
    - ports:
      - {port: "53", protocol: ANY}
      rules:
        dns:
        - matchPattern: "*"
`;

function describeRule(policy: Policy, rule: PolicyRule): string {
  const field = rule.deny && policy.dialect === 'cilium' ? 'egressDeny' : 'egress';
  return `${field} rule ${rule.index} of ${policy.obj.kind} ${policy.obj.name}`;
}

export const egressBlocksDns: Rule = {
  meta: {
    id: 'egress-blocks-dns',
    description: 'Egress policy isolates pods without allowing cluster DNS',
    details:
      'Reports a NetworkPolicy, CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy or Calico (Global)NetworkPolicy that makes pods ' +
      'egress-isolated while no egress rule of any policy selecting them allows the cluster DNS pods (kube-dns in ' +
      'kube-system by default; cluster.dns in the config, including a NodeLocal DNSCache address) on 53/UDP, or an ' +
      'egressDeny rule drops it; a warning when 53/UDP is allowed but 53/TCP is not. In Cilium any egress or ' +
      'egressDeny section puts the selected pods in egress default deny (even `egress: [{}]`) unless ' +
      '`enableDefaultDeny.egress` is false; DNS counts as allowed by toEndpoints selecting kube-dns, toEntities ' +
      'cluster or all, or an L4-only rule on port 53 (toCIDR never matches a pod). `enable-policy: always` in the ' +
      'cilium-config ConfigMap isolates every pod; `never` turns enforcement off. Pods with hostNetwork or a ' +
      'dnsPolicy other than ClusterFirst(WithHostNet) do not use cluster DNS and are skipped. With Calico policies ' +
      'in the input, evaluation is ordered and first-match (tiers by order, policies by order, rules in sequence, ' +
      'Kubernetes NetworkPolicies at order 1000 in the default tier): DNS is blocked when a Deny, a Pass into a ' +
      "denying tier or a tier's end-of-tier deny is reached before an Allow of 53 to the DNS pods; a Calico policy " +
      'that selects the DNS pods themselves (the GlobalNetworkPolicy `selector: all()` default deny) is reported ' +
      'as cutting off every lookup in the cluster.',
    severity: 'error',
    tags: ['networkpolicy', 'cilium', 'calico', 'dns'],
    docs: {
      why:
        'Once any policy selects a pod for Egress (in Cilium: any policy with an egress section), everything not ' +
        'explicitly allowed is dropped, DNS included. Every ' +
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
        '```\n\nWith Cilium, add the DNS rule to the policy that isolates the pods (or a cluster-wide one):\n\n```yaml\n' +
        CILIUM_FIX +
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
    const local = cluster.dns.nodeLocalIP ? ipEndpoint(cluster.dns.nodeLocalIP) : undefined;
    if (local) targets.push(local);
    // DNS is reached when some target allows it; a deny rule is reported when it is what drops it.
    const denials = new Map<PodTemplate, { policy: Policy; rule: PolicyRule }>();
    // Calico: the step that ended the evaluation (a tier's end, a Pass into a denying tier).
    const endings = new Map<PodTemplate, string>();
    const reaches = (pod: PodTemplate, protocol: string) =>
      targets.some((t) => {
        const d = engine.egress(pod, t, { protocol, port: 53 });
        if (d.deniedBy && !denials.has(pod)) denials.set(pod, d.deniedBy);
        const last = d.trail?.[d.trail.length - 1];
        if (!d.allowed && last && !endings.has(pod)) endings.set(pod, last);
        return d.allowed;
      });

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
      const udp = reaches(pod, 'UDP');
      const tcp = udp && reaches(pod, 'TCP');
      if (udp && tcp) continue;
      // Not isolated, yet DNS is dropped: a deny rule does it (deny wins over every allow).
      // In Calico's ordered mode the Calico policy is what changed the picture: name it first.
      const policy =
        isolating.find((p) => p.dialect === 'calico') ?? isolating[0] ?? denials.get(pod)?.policy;
      if (!policy) continue;
      if (onlyApiServerPorts(isolating)) apiOnly.add(pod);
      const entry = byPolicy.get(policy) ?? { udp: [], tcp: [] };
      (udp ? entry.tcp : entry.udp).push(pod);
      byPolicy.set(policy, entry);
    }
    const dnsName = `${cluster.dns.namespace}/${dnsLabels.map(([k, v]) => `${k}=${v}`).join(',')}`;
    for (const [policy, { udp, tcp }] of byPolicy) {
      const path = egressIsolationPath(policy);
      const kind = policy.obj.kind;
      for (const [pods, missing] of [
        [udp, 'UDP'],
        [tcp, 'TCP'],
      ] as const) {
        if (!pods.length) continue;
        const apiServerOnly = pods.every((p) => apiOnly.has(p));
        const shown = ownerList(pods, 4);
        const related: Related[] = [
          ...pods.slice(0, 10).map((p) => ({
            object: p.owner,
            path: p.labelsPath,
            message: `egress-isolated pods of ${p.owner.id}`,
          })),
          ...podOwners(dnsPods, (p) => `cluster DNS pods of ${p.owner.id}`, 5),
        ];
        const where = [...new Set(pods.map((p) => p.namespace))].join("', '");
        const denied = pods.map((p) => denials.get(p)).find((d) => d !== undefined);
        const isolates = engine.isolating(pods[0] as PodTemplate, 'egress').includes(policy)
          ? `isolates egress of ${shown} in namespace '${where}'`
          : `applies to ${shown} in namespace '${where}'`;
        const ending = pods.map((p) => endings.get(p)).find((e) => e !== undefined);
        const cause = denied
          ? engine.ordered
            ? `${describeRule(denied.policy, denied.rule)} denies DNS (53/${missing}) to the cluster DNS pods (${dnsName}) before any rule allows it`
            : `${describeRule(denied.policy, denied.rule)} denies DNS (53/${missing}) to the cluster DNS pods (${dnsName}), and a deny wins over every allow`
          : ending
            ? `no rule allows DNS (53/${missing}) to the cluster DNS pods (${dnsName}) before Calico's evaluation ends (${ending})`
            : `no egress rule allows DNS (53/${missing}) to the cluster DNS pods (${dnsName})`;
        ctx.report({
          object: policy.obj,
          path,
          severity: apiServerOnly && !denied ? 'note' : missing === 'UDP' ? 'error' : 'warning',
          message:
            apiServerOnly && !denied
              ? `${kind} ${policy.obj.name} ${isolates} and allows egress only to ports ${API_SERVER_PORTS.join(' and ')}/TCP (the API server's): DNS (53/${missing}) is blocked, which matters only if these pods look up names; clients of the API server reach it by IP (KUBERNETES_SERVICE_HOST).`
              : missing === 'UDP'
                ? `${kind} ${policy.obj.name} ${isolates}, and ${cause}: every name lookup fails. Allow 53/UDP and 53/TCP to them (see: kube-netlint explain egress-blocks-dns).`
                : `${kind} ${policy.obj.name} ${isolates}; DNS is allowed on 53/UDP but ${denied ? `${describeRule(denied.policy, denied.rule)} denies 53/TCP` : 'not on 53/TCP'}, so large answers (retried over TCP) fail. Allow 53/TCP to the cluster DNS pods too.`,
          related: denied
            ? [...related, { object: denied.policy.obj, path: denied.rule.path, message: 'the deny rule' }]
            : related,
        });
      }
    }
    const client = model.pods.find(
      (p) => (p.origin === 'workload' || p.origin === 'operator') && !p.hostNetwork && !dnsPods.includes(p),
    );
    const podCidr = cluster.podCIDRs.map((c) => parseCidr(c)).find((c) => c !== undefined);
    const probe: Endpoint | undefined = client
      ? { kind: 'pod', pod: client }
      : podCidr
        ? { kind: 'ip', family: podCidr.family, ip: podCidr.network + 1n, text: 'a pod address' }
        : undefined;
    const cut = dnsPodsCutOff(engine, dnsPods, probe);
    if (cut) {
      ctx.report({
        object: cut.policy.obj,
        path: ['spec', 'selector'],
        message: `${cut.policy.obj.kind} ${cut.policy.obj.name} selects the cluster DNS pods themselves (${dnsName}) and no rule lets clients reach them on 53/UDP${cut.step ? ` (${cut.step})` : ''}: every name lookup in the cluster fails, kube-system's own included. Exclude kube-system from the selector (projectcalico.org/namespace != 'kube-system') or allow 53/UDP and 53/TCP into the DNS pods.`,
        related: [
          ...podOwners([cut.pod], (p) => `cluster DNS pods of ${p.owner.id}`, 1),
          ...(client
            ? [
                {
                  object: client.owner,
                  path: client.labelsPath,
                  message: `a client of cluster DNS: ${client.owner.id}`,
                },
              ]
            : []),
        ],
      });
    }
  },
};

/**
 * Calico's classic outage: a GlobalNetworkPolicy default deny (`selector: all()`) selects the
 * cluster DNS pods themselves, so no client's lookup gets in. Probed from a workload pod of the
 * input, or else from the first address of the configured pod CIDR.
 */
function dnsPodsCutOff(
  engine: PolicyEngine,
  dnsPods: readonly PodTemplate[],
  probe: Endpoint | undefined,
): { policy: Policy; pod: PodTemplate; step: string | undefined } | undefined {
  if (!engine.ordered || !probe) return undefined;
  for (const pod of dnsPods) {
    const policy = engine.isolating(pod, 'ingress').find((p) => p.dialect === 'calico');
    if (!policy) continue;
    const d = engine.ingress(pod, probe, { protocol: 'UDP', port: 53 });
    if (!d.allowed) return { policy, pod, step: d.trail?.[d.trail.length - 1] };
  }
  return undefined;
}

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
