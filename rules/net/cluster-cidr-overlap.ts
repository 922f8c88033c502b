import type { Rule } from '../../src/engine/types';
import { contains, overlaps } from '../../src/net/cidr';
import { clusterRanges, sameCluster } from '../../src/net/cluster-ranges';
import type { DeclaredRange } from '../../src/net/ranges';

const ROLE_NAME: Record<DeclaredRange['role'], string> = {
  pod: 'pod range',
  service: 'service range',
  node: 'node network',
  loadbalancer: 'load-balancer pool',
};

function describe(r: DeclaredRange): string {
  return `${r.kind === 'pool' && r.role === 'pod' ? 'pod IP pool' : ROLE_NAME[r.role]} ${r.text} (${r.source})`;
}

export const clusterCidrOverlap: Rule = {
  meta: {
    id: 'cluster-cidr-overlap',
    description: 'Pod, service and node ranges overlap or disagree',
    details:
      'Reports overlapping pod, service, node and load-balancer ranges; two CNI IP pools that overlap; a CNI pool ' +
      'outside the pod range the cluster declares; and two declarations of the pod (or service) range that ' +
      'disagree. Ranges come from kubeadm and kind configs, Calico IPPools and Installation, the calico-node, Weave ' +
      'and control-plane flags, flannel net-conf.json, cilium-config, kube-proxy, ServiceCIDR objects and the config ' +
      '(cluster.podCIDRs, serviceCIDRs, nodeCIDRs). Declarations are compared when they describe one cluster: the ' +
      'config with everything, others in the same file or folder.',
    severity: 'error',
    tags: ['cidr', 'cluster'],
    docs: {
      why:
        'Overlapping ranges make one address mean two things: packets for a pod go to a node, Service IPs shadow ' +
        'pods, and routing breaks in ways that take days to find. A CNI pool outside the declared pod range gives ' +
        'pods addresses that kube-proxy and the controller manager treat as external.',
      symptoms: [
        'curl: (7) Failed to connect to 10.244.1.5 port 8080: No route to host',
        'a Service answers with the wrong backend',
        'nodes become unreachable after the CNI is installed',
      ],
      fix: 'Give pods, Services and nodes disjoint ranges, and make every CNI pool a part of the declared pod range.',
      example: {
        bad: 'apiVersion: crd.projectcalico.org/v1\nkind: IPPool\nmetadata: {name: default}\nspec:\n  cidr: 192.168.0.0/16\n# with cluster.nodeCIDRs: [192.168.1.0/24] in .kube-netlint.yaml\n',
        good: 'apiVersion: crd.projectcalico.org/v1\nkind: IPPool\nmetadata: {name: default}\nspec:\n  cidr: 10.244.0.0/16\n',
      },
    },
  },
  check(ctx) {
    const ranges = clusterRanges(ctx.model);
    // Cluster-level declarations are few (tens), so pairs of them are cheap to compare.
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        const a = ranges[i] as DeclaredRange;
        const b = ranges[j] as DeclaredRange;
        if (!a.cidr || !b.cidr || a.cidr.family !== b.cidr.family) continue;
        // One field, or the same object defined again (install variants side by side).
        if (
          a.object.id === b.object.id &&
          a.object.group === b.object.group &&
          a.path.join('.') === b.path.join('.')
        )
          continue;
        if (!sameCluster(a, b)) continue;
        const equal = a.cidr.network === b.cidr.network && a.cidr.prefix === b.cidr.prefix;
        let problem: string | undefined;
        if (a.role !== b.role) {
          if (overlaps(a.cidr, b.cidr)) problem = 'overlaps';
        } else if (a.role === 'pod' || a.role === 'service') {
          if (a.kind === 'pool' && b.kind === 'pool') {
            // Equal pools are one pool declared twice (an IPPool and the calico-node env, or every
            // replica of a dumped DaemonSet); only two IPPool objects with one CIDR conflict.
            const bothObjects = a.sourceType === 'calico-ippool' && b.sourceType === 'calico-ippool';
            if (overlaps(a.cidr, b.cidr) && !(equal && !bothObjects)) problem = 'overlaps';
          } else if (a.kind !== b.kind) {
            const [declared, pool] = a.kind === 'declared' ? [a, b] : [b, a];
            if (!contains(declared.cidr!, pool.cidr!)) problem = 'is not inside';
          } else if (!equal && a.sourceType !== b.sourceType && !a.fromConfig && !b.fromConfig) {
            problem = 'disagrees with';
          } else if (!equal && (a.fromConfig || b.fromConfig) && !overlaps(a.cidr, b.cidr)) {
            problem = 'disagrees with';
          }
        } else if (overlaps(a.cidr, b.cidr) && !equal) {
          problem = 'overlaps';
        }
        if (!problem) continue;
        // Point at the manifest rather than the config, and at the pool rather than the declaration.
        const [here, there] =
          a.fromConfig && !b.fromConfig
            ? [b, a]
            : problem === 'is not inside' && a.kind === 'pool'
              ? [a, b]
              : [b, a];
        const verb =
          problem === 'is not inside'
            ? `is not inside the cluster's ${describe(there)}`
            : `${problem} ${describe(there)}`;
        ctx.report({
          object: here.object,
          path: here.path,
          message: `${describe(here)} ${verb}.${problem === 'overlaps' ? ' One address would mean two things: give each range its own space.' : ' Make them agree.'}`,
          related: [{ object: there.object, path: there.path, message: describe(there) }],
        });
      }
    }
  },
};
