import type { Rule } from '../../src/engine/types';
import { parseCidr, parseIp } from '../../src/net/cidr';
import { addressFields } from './address-fields';

export const cidrInvalid: Rule = {
  meta: {
    id: 'cidr-invalid',
    description: 'A CIDR or IP address that does not parse',
    details:
      'Reports an unparsable CIDR or IP anywhere kube-netlint reads one: NetworkPolicy ipBlock cidr and except, ' +
      'Service loadBalancerSourceRanges, externalIPs, clusterIP(s), and the cluster ranges of kubeadm, kind, Calico, ' +
      'flannel, Weave, Cilium, kube-proxy, control-plane flags and the config. IPv4 octets with leading zeros are ' +
      'invalid, as in Kubernetes.',
    severity: 'error',
    tags: ['cidr'],
    docs: {
      why: 'The API server rejects such objects, and CNI daemons given a bad pool fail to start: no pod gets an address.',
      symptoms: [
        'spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0/8": must be a valid CIDR value',
      ],
      fix: 'Write a.b.c.d/n (IPv4) or x:y::z/n (IPv6) with a prefix length, no leading zeros.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0/8}\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.0/8}\n',
      },
    },
  },
  check(ctx) {
    for (const f of addressFields(ctx.model)) {
      const ok = f.kind === 'cidr' ? parseCidr(f.text) !== undefined : parseIp(f.text) !== undefined;
      if (ok) continue;
      const hint = f.kind === 'cidr' && parseIp(f.text) ? ' (an address without /prefix)' : '';
      ctx.report({
        object: f.object,
        path: f.path,
        message: `${f.source}: '${f.text}' is not a valid ${f.kind === 'cidr' ? 'CIDR' : 'IP address'}${hint}.`,
      });
    }
  },
};
