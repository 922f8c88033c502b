/**
 * The `coredns` ConfigMap the DNS rules' docs show, with the directive lines of its `.:53` block
 * given (each without indentation). One builder, so the examples differ only where the rules do.
 */
export function corednsConfigMap(directives: readonly string[]): string {
  const body = directives.map((d) => `        ${d}\n`).join('');
  return `apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
${body}    }
`;
}

/** The kubernetes plugin block of the default Corefile (kubeadm's), as directive lines. */
export const KUBERNETES_BLOCK = [
  'kubernetes cluster.local in-addr.arpa ip6.arpa {',
  '    fallthrough in-addr.arpa ip6.arpa',
  '}',
];
