import type { Rule } from '../../src/engine/types';
import type { Directive } from '../../src/dns/corefile';
import { corednsWorkloads, newest } from '../../src/dns/deployment';
import { reportInCorefile } from '../../src/dns/report';
import { corefileSources } from '../../src/dns/source';
import { compareVersions, parseVersion, REMOVALS, type Removal } from '../../src/dns/versions';
import { corednsConfigMap } from '../../src/dns/example';

const CM = (plugin: string) =>
  corednsConfigMap([
    'errors',
    'kubernetes cluster.local in-addr.arpa ip6.arpa {',
    '    pods insecure',
    '    fallthrough in-addr.arpa ip6.arpa',
    '}',
    `${plugin} . /etc/resolv.conf`,
    'cache 30',
    'loop',
  ]) +
  `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns, namespace: kube-system}
spec:
  selector: {matchLabels: {k8s-app: kube-dns}}
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec:
      containers:
      - name: coredns
        image: registry.k8s.io/coredns/coredns:v1.11.1
`;

/** Every use of a removed plugin or option in a list of directives, with the token to point at. */
function uses(directives: readonly Directive[]): { removal: Removal; at: Directive['name'] }[] {
  const out: { removal: Removal; at: Directive['name'] }[] = [];
  for (const d of directives) {
    for (const r of REMOVALS) {
      if (r.plugin !== d.name.text) continue;
      if (r.option === undefined) out.push({ removal: r, at: d.name });
      else for (const o of d.block ?? []) if (o.name.text === r.option) out.push({ removal: r, at: o.name });
    }
  }
  return out;
}

export const corednsPluginRemoved: Rule = {
  meta: {
    id: 'coredns-plugin-removed',
    description: 'Corefile uses a plugin or option that the CoreDNS release removed',
    details:
      'Reports Corefile plugins and options that CoreDNS removed (proxy in 1.5.0; federation and the kubernetes ' +
      'options upstream and resyncperiod in 1.7.0; the kubernetes option transfer in 1.8.0). An error when a ' +
      'workload in the same namespace runs a CoreDNS image whose tag is that release or later (the pods ' +
      'crash-loop), a warning when the input holds no CoreDNS image with a version tag (any CoreDNS since that ' +
      "release fails), nothing when the image is older. The table is the data kubeadm's pre-upgrade check uses.",
    severity: 'error',
    tags: ['dns', 'coredns'],
    docs: {
      why:
        'CoreDNS stops at start-up on a plugin or option it does not know. A cluster upgrade that bumps the CoreDNS ' +
        'image but keeps the old Corefile leaves every new CoreDNS pod in CrashLoopBackOff; once the old pods are ' +
        'gone, no name resolves in the cluster.',
      symptoms: [
        "plugin/kubernetes: /etc/coredns/Corefile:6 - Error during parsing: unknown property 'upstream'",
        "/etc/coredns/Corefile:10 - Error during parsing: Unknown directive 'proxy'",
        'coredns pods in CrashLoopBackOff after kubeadm upgrade / cluster upgrade',
        'lookup kubernetes.default.svc.cluster.local on 10.96.0.10:53: read udp …: i/o timeout',
      ],
      fix:
        'Replace proxy with forward (same FROM and TO), delete the kubernetes options upstream and resyncperiod, ' +
        'move kubernetes transfer to the transfer plugin. `kubeadm upgrade plan` and the CoreDNS corefile-tool ' +
        'migrate a Corefile between versions.',
      example: { bad: CM('proxy'), good: CM('forward') },
    },
  },
  check(ctx) {
    for (const src of corefileSources(ctx.model)) {
      const directives =
        src.form === 'override' ? src.directives : src.corefile.blocks.flatMap((b) => b.directives);
      const found = uses(directives);
      if (found.length === 0) continue;
      const coredns = newest(corednsWorkloads(ctx.model, src.object.namespace ?? 'default'));
      for (const { removal, at } of found) {
        const what =
          removal.option === undefined
            ? `plugin ${removal.plugin}`
            : `option ${removal.option} of the ${removal.plugin} plugin`;
        const prefix = `${src.object.kind} ${src.object.name} ${src.key}: ${what} was removed in CoreDNS ${removal.removedIn} (${removal.instead})`;
        if (coredns) {
          const v = parseVersion(coredns.version) ?? [];
          if (compareVersions(v, parseVersion(removal.removedIn) ?? []) < 0) continue;
          reportInCorefile(
            ctx,
            src,
            { line: at.line, col: at.col, length: at.text.length },
            `${prefix}; ${coredns.pod.owner.kind} ${coredns.pod.owner.name} runs ${coredns.image}, which stops with "unknown property" / "Unknown directive" and crash-loops.`,
          );
        } else {
          reportInCorefile(
            ctx,
            src,
            { line: at.line, col: at.col, length: at.text.length },
            `${prefix}; any CoreDNS from that release on stops loading this Corefile (no CoreDNS image with a version tag in the input to compare).`,
            'warning',
          );
        }
      }
    }
  },
};
