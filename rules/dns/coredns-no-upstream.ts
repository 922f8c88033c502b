import type { Rule } from '../../src/engine/types';
import { isPlaceholder, zoneKey, type ServerBlock } from '../../src/dns/corefile';
import { PLUGINS, UPSTREAM_PLUGINS } from '../../src/dns/plugins';
import { reportInCorefile } from '../../src/dns/report';
import { corefileSources } from '../../src/dns/source';
import { corednsConfigMap, KUBERNETES_BLOCK } from '../../src/dns/example';

const cm = (line: string) =>
  corednsConfigMap(['errors', ...KUBERNETES_BLOCK, ...(line ? [line] : []), 'cache 30', 'loop']);

/** Whether a block has something that answers names outside the cluster, or may have (imports, custom plugins). */
function mayResolveOutside(block: ServerBlock): boolean {
  for (const d of block.directives) {
    const name = d.name.text;
    if (name === 'import' || isPlaceholder(name) || !PLUGINS[name]) return true;
    if (!UPSTREAM_PLUGINS.has(name)) continue;
    if (name !== 'forward' && name !== 'grpc' && name !== 'proxy') return true;
    const from = d.args[0]?.text;
    if (from === undefined || from === '.' || isPlaceholder(from)) return true;
  }
  return false;
}

export const corednsNoUpstream: Rule = {
  meta: {
    id: 'coredns-no-upstream',
    description: 'Cluster DNS has no upstream for names outside the cluster',
    details:
      'Reports a Corefile server block for the root zone (`.`) that serves the kubernetes plugin but forwards ' +
      'nothing upstream (no forward or grpc for `.`, nor etcd, route53, azure or clouddns). Blocks that import ' +
      'other files or use plugins of custom builds are not judged. A warning: air-gapped clusters do this on purpose.',
    severity: 'warning',
    tags: ['dns', 'coredns'],
    docs: {
      why:
        'CoreDNS answers cluster names from the kubernetes plugin; every other name needs an upstream resolver. ' +
        'Without one, pods cannot resolve public names or names of the company network: package downloads, ' +
        'external APIs and image registries reached from pods all fail, while Service names keep working.',
      symptoms: [
        'dial tcp: lookup api.github.com on 10.96.0.10:53: no such host',
        ';; ->>HEADER<<- opcode: QUERY, status: SERVFAIL',
        'Could not resolve host: registry.npmjs.org',
      ],
      fix: "Add `forward . /etc/resolv.conf` (the node's resolvers) or `forward . <resolver IPs>` to the `.` block.",
      example: { bad: cm(''), good: cm('forward . /etc/resolv.conf') },
    },
  },
  check(ctx) {
    for (const src of corefileSources(ctx.model)) {
      if (src.form !== 'corefile' || src.corefile.errors.length > 0) continue;
      for (const block of src.corefile.blocks) {
        if (block.snippet) continue;
        const root = block.keys.find((k) => !isPlaceholder(k.text) && zoneKey(k.text).zone === '.');
        if (!root) continue;
        if (!block.directives.some((d) => d.name.text === 'kubernetes')) continue;
        if (mayResolveOutside(block)) continue;
        reportInCorefile(
          ctx,
          src,
          { line: root.line, col: root.col, length: root.text.length },
          `${src.object.kind} ${src.object.name} ${src.key}: the server block ${root.text} answers cluster names but has no upstream (forward . …): every name outside the cluster fails with NXDOMAIN or SERVFAIL.`,
        );
      }
    }
  },
};
