import type { Rule } from '../../src/engine/types';
import { clusterDomains } from '../../src/dns/cluster';
import { isPlaceholder, zoneKey } from '../../src/dns/corefile';
import { clusterDnsBlocks } from '../../src/dns/source';

const fqdn = (s: string) => {
  const l = s.toLowerCase();
  return l.endsWith('.') ? l : `${l}.`;
};

/** Whether a zone serves the domain: the same name or a parent of it. */
const covers = (zone: string, domain: string) =>
  zone === '.' || domain === zone || domain.endsWith(`.${zone}`);

export const clusterDomainMismatch: Rule = {
  meta: {
    id: 'cluster-domain-mismatch',
    description: "CoreDNS's kubernetes zones do not include the kubelet cluster domain",
    details:
      'Compares the zones of the kubernetes plugin in the cluster DNS Corefile (its arguments, or the server ' +
      'block keys when it has none) with the cluster domain the input states: KubeletConfiguration ' +
      "clusterDomain, kubeadm ClusterConfiguration networking.dnsDomain, the same settings in a kind Cluster's " +
      'kubeadmConfigPatches (and kubelet --cluster-domain in kubeletExtraArgs), and cluster.dns.clusterDomain in ' +
      'the config. Reported when no zone is the domain or a parent of it. Nothing is reported when neither the ' +
      'input nor the config states the domain.',
    severity: 'warning',
    tags: ['dns', 'coredns', 'kubelet'],
    docs: {
      why:
        'The kubelet writes `search <ns>.svc.<clusterDomain> svc.<clusterDomain> <clusterDomain>` into every ' +
        "pod's resolv.conf. If CoreDNS's kubernetes plugin serves another zone, those names are not answered from " +
        'the cluster: they go upstream and fail, so no Service name resolves.',
      symptoms: [
        'lookup web.shop.svc.prod.internal on 10.96.0.10:53: no such host',
        "nslookup: can't resolve 'kubernetes.default'",
        'NXDOMAIN for <service>.<namespace>.svc.<domain>',
      ],
      fix: "Use the same domain in both places: list the kubelet clusterDomain in the kubernetes plugin's zones.",
      example: {
        bad:
          'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nclusterDomain: prod.internal\n---\n' +
          'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: kube-system}\ndata:\n  Corefile: |\n' +
          '    .:53 {\n        kubernetes cluster.local in-addr.arpa ip6.arpa\n        forward . /etc/resolv.conf\n    }\n',
        good:
          'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nclusterDomain: prod.internal\n---\n' +
          'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: kube-system}\ndata:\n  Corefile: |\n' +
          '    .:53 {\n        kubernetes prod.internal in-addr.arpa ip6.arpa\n        forward . /etc/resolv.conf\n    }\n',
      },
    },
  },
  check(ctx) {
    const domains = clusterDomains(ctx.model, ctx.cluster).filter((d) => !isPlaceholder(d.value));
    if (domains.length === 0) return;
    for (const { src, block } of clusterDnsBlocks(ctx.model, ctx.cluster.dns.namespace)) {
      for (const d of block.directives) {
        if (d.name.text !== 'kubernetes') continue;
        const tokens = d.args.length > 0 ? d.args : block.keys;
        if (tokens.length === 0 || tokens.some((t) => isPlaceholder(t.text))) continue;
        const zones = tokens.map((t) => zoneKey(t.text).zone);
        for (const domain of domains) {
          if (zones.some((z) => covers(z, fqdn(domain.value)))) continue;
          const region = src.regionAt(d.name.line, d.name.col, d.name.text.length);
          ctx.report({
            object: src.object,
            path: ['data', src.key],
            message: `${src.object.kind} ${src.object.name} ${src.key}: the kubernetes plugin serves ${zones.join(' ')} but the cluster domain is ${domain.value} (${domain.object?.kind ?? 'config'}): names under svc.${domain.value} are not answered from the cluster and fail (no such host).`,
            ...(region ? { region } : {}),
            ...(domain.object
              ? {
                  related: [
                    { object: domain.object, path: domain.path, message: `cluster domain ${domain.value}` },
                  ],
                }
              : {}),
          });
        }
      }
    }
  },
};
