import type { Rule } from '../../src/engine/types';
import { crossSourceDuplicates } from '../../src/dns/imports';
import { corefileSources } from '../../src/dns/source';
import { validateCorefile, validateDirectives, type CorefileProblem } from '../../src/dns/validate';
import { reportInCorefile } from '../../src/dns/report';
import { corednsConfigMap } from '../../src/dns/example';

const GOOD = corednsConfigMap([
  'errors',
  'health {',
  '    lameduck 5s',
  '}',
  'ready',
  'kubernetes cluster.local in-addr.arpa ip6.arpa {',
  '    pods insecure',
  '    fallthrough in-addr.arpa ip6.arpa',
  '    ttl 30',
  '}',
  'prometheus :9153',
  'forward . /etc/resolv.conf',
  'cache 30',
  'loop',
  'reload',
  'loadbalance',
]);

export const corefileInvalid: Rule = {
  meta: {
    id: 'corefile-invalid',
    description: 'CoreDNS Corefile that CoreDNS refuses to load',
    details:
      'Parses the Corefile of ConfigMaps (the `Corefile` key, and the `*.server` / `*.override` keys of the AKS and ' +
      'k3s `coredns-custom` ConfigMap) and reports what makes CoreDNS stop at start-up: unbalanced braces, an ' +
      'unterminated quote, an unknown plugin (a warning: custom builds add plugins), a wrong number of arguments, ' +
      'an unknown or invalid option of kubernetes, forward, cache, errors, log, health, ready, prometheus, loop, ' +
      'reload, loadbalance, hosts, rewrite, template, autopath, k8s_external or bind, options a plugin rejects together ' +
      '(forward force_tcp with prefer_udp), a plugin used twice where it may be ' +
      'used once, forward to a host name, and two server blocks for the same zone and port (also across the main ' +
      'Corefile and the coredns-custom *.server keys it imports). Values filled in ' +
      'later (`{$ENV}`, `__PILLAR__…__`, `${VAR}`) are not checked. Findings point at the line in the YAML file.',
    severity: 'error',
    tags: ['dns', 'coredns'],
    docs: {
      why:
        'CoreDNS reads the Corefile once at start-up (and on reload). A Corefile it cannot parse stops the process: ' +
        'the pods crash-loop, or with the reload plugin keep the old configuration while every new pod fails. With ' +
        'all CoreDNS pods down, every name lookup in the cluster fails.',
      symptoms: [
        'plugin/forward: not an IP address or file: "dns.google"',
        "Error during parsing: Unknown directive 'kubernets'",
        "Error during parsing: Wrong argument count or unexpected line ending after 'ttl'",
        "plugin/kubernetes: unknown property 'upstream'",
        'cannot serve dns://example.org.:53 - it is already defined',
        'CrashLoopBackOff on coredns pods; lookup kubernetes.default on 10.96.0.10:53: read udp …: i/o timeout',
      ],
      fix:
        "Fix the line named in the finding, following the plugin's documentation on coredns.io/plugins. Test a " +
        'changed Corefile with `coredns -conf Corefile` (or a canary Deployment) before rolling it out.',
      example: {
        bad: GOOD.replace('ttl 30', 'ttl 30s').replace('forward . /etc/resolv.conf', 'forward . dns.google'),
        good: GOOD,
      },
    },
  },
  check(ctx) {
    const sources = corefileSources(ctx.model);
    for (const d of crossSourceDuplicates(sources)) {
      const where = `${d.first.source.object.kind} ${d.first.source.object.name} ${d.first.source.key} line ${d.first.token.line + 1}`;
      reportInCorefile(
        ctx,
        d.source,
        { line: d.token.line, col: d.token.col, length: d.token.text.length },
        `${d.source.object.kind} ${d.source.object.name} ${d.source.key}: server block key ${d.token.text} repeats ${d.first.token.text} of ${where}, which CoreDNS loads with it: CoreDNS stops with "cannot serve ${d.id} - it is already defined". Merge the two blocks or give this one another zone.`,
      );
    }
    for (const src of sources) {
      const problems: CorefileProblem[] =
        src.form === 'override'
          ? src.corefile.errors.length > 0
            ? src.corefile.errors.map((e) => ({ ...e }))
            : collect(src.directives)
          : validateCorefile(src.corefile);
      for (const p of problems) {
        reportInCorefile(
          ctx,
          src,
          p,
          `${src.object.kind} ${src.object.name} ${src.key}: ${p.message}`,
          p.weak ? 'warning' : undefined,
        );
      }
    }
  },
};

function collect(directives: Parameters<typeof validateDirectives>[0]): CorefileProblem[] {
  const out: CorefileProblem[] = [];
  validateDirectives(directives, out);
  return out;
}
