import type { Rule } from '../../src/engine/types';
import { dnsServiceIPs, nodeLocalIPs, sameIp } from '../../src/dns/cluster';
import { containsIp, parseCidr, parseIp } from '../../src/net/cidr';
import { asArray, asRecord, asString, getPath } from '../../src/util/values';

/** kubeadm's default kube-dns address and NodeLocal DNSCache's documented link-local address. */
const WELL_KNOWN = ['10.96.0.10', '169.254.20.10'];

const POD = (dns: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: app, namespace: shop}\nspec:\n${dns}  containers:\n  - {name: app, image: app}\n`;

export const podDnsMixedResolvers: Rule = {
  meta: {
    id: 'pod-dns-mixed-resolvers',
    description: 'Pod resolv.conf mixes cluster DNS with an external resolver',
    details:
      'Reports pods whose nameservers mix the cluster DNS with another resolver: dnsConfig.nameservers on a ' +
      'ClusterFirst (or ClusterFirstWithHostNet) pod, which the kubelet appends after the cluster DNS, and ' +
      'dnsPolicy None listing a cluster DNS address (kube-dns Service IP, NodeLocal DNSCache address, an address ' +
      'in the Service CIDRs, or the defaults 10.96.0.10 and 169.254.20.10) beside another address. A note when ' +
      "dnsPolicy None with the cluster DNS puts another namespace's search domain first.",
    severity: 'warning',
    tags: ['workload', 'dns'],
    docs: {
      why:
        'A resolver tries the next nameserver only when one does not answer, never on NXDOMAIN, and glibc and musl ' +
        'spread or rotate queries differently. With an external resolver beside the cluster DNS, some lookups of ' +
        'Service names reach the external one, which answers "no such host": cluster names fail intermittently, ' +
        'and external names may leak to the wrong resolver.',
      symptoms: [
        'dial tcp: lookup db.shop.svc.cluster.local on 8.8.8.8:53: no such host',
        'intermittent: lookup payments on 10.96.0.10:53: no such host, then success on retry',
      ],
      fix:
        'Keep only the cluster DNS in the pod; send external or corporate names to other resolvers from CoreDNS ' +
        '(a server block with forward for that zone).',
      example: {
        bad: POD('  dnsConfig:\n    nameservers: [8.8.8.8]\n'),
        good: POD(''),
      },
    },
  },
  check(ctx) {
    const { model, cluster } = ctx;
    const known = [...dnsServiceIPs(model, cluster), ...nodeLocalIPs(model, cluster)].map((s) => s.value);
    const serviceCidrs = cluster.serviceCIDRs.map(parseCidr).filter((c) => c !== undefined);
    const isClusterDns = (ip: string) => {
      const p = parseIp(ip);
      if (!p) return false;
      if ([...known, ...WELL_KNOWN].some((k) => sameIp(k, ip))) return true;
      return serviceCidrs.some((c) => containsIp(c, p.family, p.value));
    };
    for (const pod of model.pods) {
      if (pod.origin !== 'workload' || !pod.specPath) continue;
      const specPath = pod.specPath;
      const dnsConfig = asRecord(getPath(pod.owner.raw, [...specPath, 'dnsConfig']));
      if (!dnsConfig) continue;
      const nameservers = asArray(dnsConfig['nameservers']).map((n) => asString(n) ?? '');
      const who = `${pod.owner.kind} ${pod.owner.name}`;
      const policy = pod.dnsPolicy ?? 'ClusterFirst';
      const clusterFirst =
        policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !pod.hostNetwork);
      if (clusterFirst) {
        nameservers.forEach((ns, i) => {
          if (!parseIp(ns) || isClusterDns(ns)) return;
          ctx.report({
            object: pod.owner,
            path: [...specPath, 'dnsConfig', 'nameservers', i],
            message: `${who} adds nameserver ${ns} to dnsPolicy ${policy}: the kubelet lists it after the cluster DNS, and lookups that reach it fail for cluster names (no such host). Resolve external names through CoreDNS instead.`,
          });
        });
      } else if (policy === 'None') {
        const inCluster = nameservers.filter((ns) => isClusterDns(ns));
        if (inCluster.length > 0) {
          nameservers.forEach((ns, i) => {
            if (!parseIp(ns) || isClusterDns(ns)) return;
            ctx.report({
              object: pod.owner,
              path: [...specPath, 'dnsConfig', 'nameservers', i],
              message: `${who} lists the cluster DNS (${inCluster.join(', ')}) and ${ns} as nameservers: resolvers do not fall back on NXDOMAIN, so cluster names fail whenever ${ns} answers.`,
            });
          });
        }
        const first = asString(asArray(dnsConfig['searches'])[0]);
        const ns = first ? /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc\./.exec(first)?.[1] : undefined;
        // Only a pod that asks the cluster DNS resolves short names as Service names.
        if (ns && ns !== pod.namespace && inCluster.length > 0) {
          ctx.report({
            object: pod.owner,
            path: [...specPath, 'dnsConfig', 'searches', 0],
            severity: 'note',
            message: `${who} runs in namespace ${pod.namespace} but its first search domain is ${first}: short Service names resolve in namespace ${ns} first.`,
          });
        }
      }
    }
  },
};
