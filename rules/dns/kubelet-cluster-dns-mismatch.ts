import type { Rule } from '../../src/engine/types';
import { dnsServiceIPs, kubeletConfigs, nodeLocalIPs, sameIp, type Sourced } from '../../src/dns/cluster';
import { installerClusterDns } from '../../src/dns/installers';
import { containsIp, parseCidr, parseIp } from '../../src/net/cidr';
import { asArray, asString, getPath } from '../../src/util/values';

const KUBELET = (ip: string) =>
  `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nclusterDomain: cluster.local\nclusterDNS:\n- ${ip}\n---\n` +
  'apiVersion: v1\nkind: Service\nmetadata: {name: kube-dns, namespace: kube-system}\nspec:\n  clusterIP: 10.96.0.10\n' +
  '  selector: {k8s-app: kube-dns}\n  ports: [{name: dns, port: 53, protocol: UDP}]\n';

export const kubeletClusterDnsMismatch: Rule = {
  meta: {
    id: 'kubelet-cluster-dns-mismatch',
    description: 'kubelet clusterDNS is not the cluster DNS Service IP',
    details:
      "Compares the first address of KubeletConfiguration clusterDNS (also in a kind Cluster's kubeadmConfigPatches) with the kube-dns Service's cluster IP " +
      '(a Service in the DNS namespace named kube-dns or selecting the DNS pods, or cluster.dns.serviceIP in the ' +
      'config) and the NodeLocal DNSCache addresses (node-cache -localip, or cluster.dns.nodeLocalIP). Reported ' +
      'when it is none of them. When the input states neither, a clusterDNS outside the serviceSubnet of a ' +
      'kubeadm ClusterConfiguration in the input is reported (no Service can have that address).',
    severity: 'warning',
    tags: ['dns', 'kubelet'],
    docs: {
      why:
        "The kubelet writes clusterDNS as the nameserver of every ClusterFirst pod's resolv.conf. When it is not " +
        'the address of the DNS Service (or of NodeLocal DNSCache), every lookup in every pod goes to an address ' +
        'where nothing answers: all name resolution times out.',
      symptoms: [
        'dial tcp: lookup web.shop.svc.cluster.local on 10.96.0.53:53: read udp 10.244.1.7:43189->10.96.0.53:53: i/o timeout',
        ';; connection timed out; no servers could be reached',
      ],
      fix:
        'Set clusterDNS to the kube-dns Service clusterIP (kubeadm uses the tenth address of the Service subnet, ' +
        '10.96.0.10 by default), or to the NodeLocal DNSCache address (169.254.20.10) when it is deployed.',
      example: { bad: KUBELET('10.96.0.53'), good: KUBELET('10.96.0.10') },
    },
  },
  check(ctx) {
    // Each stated clusterDNS: KubeletConfiguration documents, and kind clusters' kubeadm patches.
    const stated: (Sourced & { label: string })[] = [
      ...kubeletConfigs(ctx.model).flatMap((k) => {
        const value = asString(asArray(k.raw['clusterDNS'])[0]);
        return value
          ? [{ value, object: k, path: ['clusterDNS', 0], label: 'KubeletConfiguration clusterDNS' }]
          : [];
      }),
      ...installerClusterDns(ctx.model).map((s) => ({
        ...s,
        label:
          s.object?.kind === 'K3sConfig' ? 'k3s config cluster-dns' : 'kind Cluster kubeadm patch clusterDNS',
      })),
    ];
    if (stated.length === 0) return;
    const known = [...dnsServiceIPs(ctx.model, ctx.cluster), ...nodeLocalIPs(ctx.model, ctx.cluster)];
    // kubeadm's serviceSubnet: the kube-dns Service gets an address inside it (the tenth by default).
    const subnets = ctx.model
      .ofKind('kubeadm.k8s.io', 'ClusterConfiguration')
      .flatMap((c) =>
        (asString(getPath(c.raw, ['networking', 'serviceSubnet'])) ?? '')
          .split(',')
          .map((t) => ({ object: c, cidr: parseCidr(t.trim()) })),
      )
      .filter((x) => x.cidr !== undefined);
    for (const k of stated) {
      const first = k.value;
      const ip = parseIp(first);
      if (!ip || !k.object) continue;
      if (known.length === 0) {
        const linkLocal = ip.family === 4 && ip.value >> 16n === 0xa9fen;
        if (subnets.length === 0 || linkLocal) continue;
        if (subnets.some((s) => s.cidr && containsIp(s.cidr, ip.family, ip.value))) continue;
        const s = subnets[0] as (typeof subnets)[number];
        ctx.report({
          object: k.object,
          path: k.path,
          message: `${k.label} ${first} is outside the Service subnet of the kubeadm ClusterConfiguration, so no Service (kube-dns included) can have it: pods get a nameserver where nothing answers and every lookup times out.`,
          related: [
            { object: s.object, path: ['networking', 'serviceSubnet'], message: 'the Service subnet' },
          ],
        });
        continue;
      }
      if (known.some((s) => sameIp(s.value, first))) continue;
      const svc = known.find((s) => s.object);
      ctx.report({
        object: k.object,
        path: k.path,
        message: `${k.label} ${first} is not the cluster DNS address (${[...new Set(known.map((s) => s.value))].join(', ')}): pods get a nameserver where nothing answers and every lookup times out.`,
        ...(svc?.object
          ? { related: [{ object: svc.object, path: svc.path, message: `cluster DNS address ${svc.value}` }] }
          : {}),
      });
    }
  },
};
