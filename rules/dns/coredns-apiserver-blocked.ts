import type { Rule } from '../../src/engine/types';
import { isPlaceholder } from '../../src/dns/corefile';
import { clusterDnsBlocks } from '../../src/dns/source';
import type { PodTemplate } from '../../src/model/pods';
import {
  egressIsolationPath,
  ipEndpoint,
  type IpEndpoint,
  type Policy,
  type PolicyEngine,
  type PortSpec,
} from '../../src/netpol/index';
import { egressIsolatedDnsPods } from './dns-pods';

/**
 * The ports an API server listens on in the clusters people run: 6443 (kubeadm, k3s, kind), 443 (managed
 * control planes, and the `kubernetes` Service port before NAT), 8443 (minikube).
 */
const API_PORTS = [443, 6443, 8443];

const POLICY = (extra: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: coredns, namespace: kube-system}
spec:
  podSelector:
    matchLabels: {k8s-app: kube-dns}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.2/32}}]
    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
${extra}---
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

/** Whether a rule's ports can admit TCP to one of the API server's ports. */
function admitsApiPort(ports: readonly PortSpec[] | undefined): boolean {
  if (ports === undefined) return true;
  return ports.some(
    (p) =>
      p.protocol === 'TCP' &&
      (p.port === undefined ||
        (typeof p.port === 'number' &&
          API_PORTS.some((a) => a >= (p.port as number) && a <= (p.endPort ?? (p.port as number))))),
  );
}

/**
 * Whether some egress allow of the pod's policies may reach an address outside the pod network on an API
 * server port: the API server's address is a fact of the cluster, so any such rule may cover it.
 */
function mayReachApiServer(engine: PolicyEngine, pod: PodTemplate): boolean {
  if (!engine.egressConns(pod, { kind: 'entity', entity: 'kube-apiserver' }).conns.isEmpty()) return true;
  return engine
    .applying(pod, 'egress')
    .some((p) =>
      p.egressRules.some(
        (r) =>
          !r.deny &&
          admitsApiPort(r.ports) &&
          (r.peers === undefined ||
            r.peers.some(
              (peer) =>
                peer.kind === 'ipBlock' ||
                peer.kind === 'cidr' ||
                peer.kind === 'nodes' ||
                peer.kind === 'fqdn' ||
                peer.kind === 'service' ||
                peer.kind === 'entity',
            )),
      ),
    );
}

export const corednsApiserverBlocked: Rule = {
  meta: {
    id: 'coredns-apiserver-blocked',
    description: 'CoreDNS egress policy blocks the API server its kubernetes plugin watches',
    details:
      'When the cluster DNS Corefile uses the kubernetes plugin and a policy isolates the egress of the cluster DNS ' +
      'pods, asks the policy engine whether any egress rule of theirs may reach the API server: the ' +
      'kube-apiserver entity (Cilium), or any address outside the pod network (an ipBlock, a CIDR, nodes, no `to`) ' +
      "on TCP 443, 6443 or 8443. With the plugin's `endpoint` option set to an address, that address and port are " +
      'asked exactly. Reported when no rule can: the input then proves the watch cannot connect. Rules that may ' +
      "cover the API server's address are not judged (its address is a fact of the cluster).",
    severity: 'error',
    tags: ['dns', 'coredns', 'networkpolicy'],
    docs: {
      why:
        'The kubernetes plugin answers cluster names from a watch on Services and EndpointSlices. When CoreDNS ' +
        'cannot reach the API server it waits, then serves without data: every Service name returns SERVFAIL or ' +
        'NXDOMAIN, and its readiness probe never passes, so the kube-dns Service has no ready endpoint at all.',
      symptoms: [
        '[INFO] plugin/kubernetes: waiting for Kubernetes API before starting server',
        '[ERROR] plugin/kubernetes: pkg/mod/k8s.io/client-go/tools/cache/reflector.go: Failed to watch *v1.Service: failed to list *v1.Service: Get "https://10.96.0.1:443/api/v1/services": dial tcp 10.96.0.1:443: i/o timeout',
        '[WARNING] plugin/kubernetes: starting server with unsynced Kubernetes API',
        'Readiness probe failed: HTTP probe failed with statuscode: 503',
      ],
      fix:
        "Allow egress from the CoreDNS pods to the API server: an ipBlock of the control plane's addresses on TCP " +
        '6443 (or 443 on managed clusters), or `toEntities: [kube-apiserver]` with Cilium.',
      example: {
        bad: POLICY(''),
        good: POLICY(
          '  - to: [{ipBlock: {cidr: 192.168.10.0/28}}]\n    ports: [{port: 6443, protocol: TCP}]\n',
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
      const k8s = block.directives.find((d) => d.name.text === 'kubernetes');
      if (!k8s) continue;
      const endpoint = k8s.block?.find((o) => o.name.text === 'endpoint')?.args[0]?.text;
      if (endpoint && isPlaceholder(endpoint)) continue;
      let target: { dst: IpEndpoint; port: number } | undefined;
      if (endpoint) {
        let url: URL | undefined;
        try {
          url = new URL(endpoint);
        } catch {
          url = undefined;
        }
        const host = url?.hostname.replace(/^\[|\]$/g, '');
        const dst = host ? ipEndpoint(host) : undefined;
        // A host name (or an unparsable URL): where it points is not in the input.
        if (!url || !dst) continue;
        target = { dst, port: Number(url.port || (url.protocol === 'http:' ? 80 : 443)) };
      }
      for (const pod of pods) {
        const blocked = target
          ? !engine.egress(pod, target.dst, { protocol: 'TCP', port: target.port }).allowed
          : !mayReachApiServer(engine, pod);
        if (!blocked) continue;
        const policy = engine.isolating(pod, 'egress')[0] as Policy;
        const api = target
          ? `the API server at ${target.dst.text}:${target.port} (endpoint)`
          : 'the API server';
        ctx.report({
          object: policy.obj,
          path: egressIsolationPath(policy),
          message:
            `${policy.obj.kind} ${policy.obj.name} isolates egress of the CoreDNS pods (${pod.owner.kind} ${pod.owner.name}) ` +
            `and no egress rule can reach ${api}, which the kubernetes plugin of ${src.object.name} ${src.key} watches: ` +
            'CoreDNS never syncs, Service names fail (SERVFAIL) and its pods never become ready. Allow egress to the ' +
            `control plane on ${target ? `TCP ${target.port}` : 'TCP 6443 (443 on managed clusters)'}.`,
          related: [
            {
              object: src.object,
              path: ['data', src.key],
              message: `kubernetes ${k8s.args.map((a) => a.text).join(' ')}`,
            },
          ],
        });
        break;
      }
    }
  },
};
