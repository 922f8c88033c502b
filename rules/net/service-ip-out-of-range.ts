import type { Rule } from '../../src/engine/types';
import type { FieldPath } from '../../src/load/types';
import { containsIp, parseIp } from '../../src/net/cidr';
import { rangesFor } from '../../src/net/cluster-ranges';
import { declaredIps } from '../../src/net/ranges';

export const serviceIpOutOfRange: Rule = {
  meta: {
    id: 'service-ip-out-of-range',
    description: 'A Service or DNS IP outside the service range',
    details:
      'Reports a Service clusterIP or clusterIPs entry, a kubelet clusterDNS address or the configured DNS service ' +
      'IP that lies outside the declared service range of its IP family (cluster.serviceCIDRs in the config, or ' +
      'kubeadm, kind, ServiceCIDR and --service-cluster-ip-range declarations beside it).',
    severity: 'error',
    tags: ['cidr', 'service', 'dns'],
    docs: {
      why:
        'The API server allocates Service IPs from its service range only: a fixed clusterIP outside it is rejected, ' +
        'and a kubelet pointed at a DNS address outside it sends every pod’s lookups nowhere.',
      symptoms: [
        'spec.clusterIPs: Invalid value: ["10.0.0.10"]: failed to allocate IP 10.0.0.10: provided IP is not in the valid range',
        ';; connection timed out; no servers could be reached',
      ],
      fix: "Pick the address inside the service range (kube-dns is usually the range's tenth address), or leave clusterIP out.",
      example: {
        bad: 'apiVersion: v1\nkind: Service\nmetadata: {name: kube-dns, namespace: kube-system}\nspec:\n  clusterIP: 10.0.0.10\n# with cluster.serviceCIDRs: [10.96.0.0/12]\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata: {name: kube-dns, namespace: kube-system}\nspec:\n  clusterIP: 10.96.0.10\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const check = (
      text: string,
      object: Parameters<typeof rangesFor>[1],
      path: FieldPath,
      source: string,
    ) => {
      const ip = parseIp(text);
      if (!ip) return; // cidr-invalid reports it
      const ranges = rangesFor(model, object, 'service').filter((r) => r.cidr?.family === ip.family);
      if (ranges.length === 0 || ranges.some((r) => r.cidr && containsIp(r.cidr, ip.family, ip.value)))
        return;
      ctx.report({
        object,
        path,
        message: `${source} ${text} is outside the service range ${ranges.map((r) => `${r.text} (${r.source})`).join(', ')}; the API server allocates Service IPs only from it.`,
        related: ranges.slice(0, 3).map((r) => ({ object: r.object, path: r.path, message: r.source })),
      });
    };
    for (const ip of declaredIps(model)) check(ip.text, ip.object, ip.path, ip.source);
    const cfg = model.configObject;
    if (cfg && ctx.cluster.dns.serviceIP)
      check(ctx.cluster.dns.serviceIP, cfg, ['cluster', 'dns', 'serviceIP'], 'cluster.dns.serviceIP');
  },
};
