import type { Rule } from '../../src/engine/types';
import { asArray, asRecord, getPath } from '../../src/util/values';

const CLUSTER_NAME = /\.svc(\.|:|\/|$|\s)|\.cluster\.local\b/;

/**
 * Flags that name a cluster DNS name as an identity, not as something to connect to: kube-apiserver's
 * --service-account-issuer=https://kubernetes.default.svc, token audiences, certificate SANs, the
 * cluster domain itself. Their values are not resolved.
 */
const IDENTITY_FLAG =
  /^--?[\w.-]*(issuer|audience|san|sans|domain|trust|identity|cert|tls|hostname-override)[\w.-]*(=|$)/i;

/** Texts in a container's command line that may be endpoints: `--flag=value` values and plain words. */
function commandLineTexts(c: Record<string, unknown>): string[] {
  const words = [...asArray(c['command']), ...asArray(c['args'])].map((w) =>
    typeof w === 'string' ? w : '',
  );
  const out: string[] = [];
  words.forEach((w, i) => {
    if (IDENTITY_FLAG.test(w)) return;
    // `--flag value`: the value belongs to the flag before it.
    const previous = words[i - 1];
    if (previous !== undefined && /^--?[\w.-]+$/.test(previous) && IDENTITY_FLAG.test(previous)) return;
    out.push(w);
  });
  return out;
}

/**
 * Whether containers point at in-cluster DNS names where clients configure endpoints: env values,
 * and command and args (`--push=http://collector.monitoring.svc.cluster.local:4318`), except flags
 * that only name an identity (kube-apiserver's --service-account-issuer names kubernetes.default.svc
 * without resolving it).
 */
function usesClusterNames(containers: readonly Record<string, unknown>[]): boolean {
  for (const c of containers) {
    const texts = [...asArray(c['env']).map((e) => asRecord(e)?.['value']), ...commandLineTexts(c)];
    if (texts.some((t) => typeof t === 'string' && CLUSTER_NAME.test(t))) return true;
  }
  return false;
}

export const hostNetworkDnsPolicy: Rule = {
  meta: {
    id: 'host-network-dns-policy',
    description: 'Pod DNS settings that break or are rejected',
    details:
      'Reports a hostNetwork: true pod with dnsPolicy ClusterFirst (the default), which then resolves through the ' +
      'node instead of cluster DNS, when its containers name cluster Services (.svc or cluster.local in env values, command or args); agents that only reach the API server work without cluster DNS and are not reported. Also dnsConfig ' +
      'the API server rejects: dnsPolicy None without nameservers, more than 3 nameservers, more than 32 search domains or more than 2048 characters in the search list.',
    severity: 'warning',
    tags: ['workload', 'dns'],
    docs: {
      why:
        'With hostNetwork the pod uses the node’s resolv.conf unless dnsPolicy is ClusterFirstWithHostNet, so ' +
        'Service names like db.shop.svc do not resolve. The dnsConfig limits are enforced by the API server.',
      symptoms: [
        'dial tcp: lookup db.shop.svc.cluster.local: no such host',
        'spec.dnsConfig.nameservers: Invalid value: … must not have more than 3 nameservers',
      ],
      fix: 'Set dnsPolicy: ClusterFirstWithHostNet on hostNetwork pods; give dnsPolicy None one to three nameservers.',
      example: {
        bad: 'apiVersion: v1\nkind: Pod\nmetadata: {name: agent}\nspec:\n  hostNetwork: true\n  containers:\n  - name: agent\n    image: agent\n    env: [{name: COLLECTOR, value: collector.monitoring.svc:4317}]\n',
        good: 'apiVersion: v1\nkind: Pod\nmetadata: {name: agent}\nspec:\n  hostNetwork: true\n  dnsPolicy: ClusterFirstWithHostNet\n  containers:\n  - name: agent\n    image: agent\n    env: [{name: COLLECTOR, value: collector.monitoring.svc:4317}]\n',
      },
    },
  },
  check(ctx) {
    for (const pod of ctx.model.pods) {
      if (pod.origin !== 'workload' || !pod.specPath) continue;
      const spec = asRecord(getPath(pod.owner.raw, pod.specPath)) ?? {};
      const at = (...p: string[]) => [...(pod.specPath ?? []), ...p];
      const who = `${pod.owner.kind} ${pod.owner.name}`;
      // Agents that only talk to the API server by its IP (CNI daemons, node exporters, static
      // control-plane pods) work with the node's resolver: reported only when the pod names cluster
      // Services. (Pods dumped from a cluster carry dnsPolicy ClusterFirst written out by the API.)
      const matters = usesClusterNames(pod.containers.map((c) => c.raw));
      if (pod.hostNetwork && (pod.dnsPolicy === undefined || pod.dnsPolicy === 'ClusterFirst') && matters) {
        ctx.report({
          object: pod.owner,
          path: at(pod.dnsPolicy === undefined ? 'hostNetwork' : 'dnsPolicy'),
          message: `${who} uses hostNetwork with dnsPolicy ClusterFirst${pod.dnsPolicy === undefined ? ' (the default)' : ''}: it resolves names through the node, not cluster DNS, so Service names do not resolve. Set dnsPolicy: ClusterFirstWithHostNet.`,
        });
      }
      const dnsConfig = asRecord(spec['dnsConfig']);
      const nameservers = asArray(dnsConfig?.['nameservers']);
      const searches = asArray(dnsConfig?.['searches']);
      if (pod.dnsPolicy === 'None' && nameservers.length === 0) {
        ctx.report({
          object: pod.owner,
          path: at('dnsPolicy'),
          severity: 'error',
          message: `${who} has dnsPolicy None without dnsConfig.nameservers; the API server rejects it (the pod would have no resolver).`,
        });
      }
      if (nameservers.length > 3) {
        ctx.report({
          object: pod.owner,
          path: at('dnsConfig', 'nameservers'),
          severity: 'error',
          message: `${who} lists ${nameservers.length} nameservers; the API server allows at most 3 (resolvers ignore the rest).`,
        });
      }
      // API validation (ExpandedDNSConfig, GA in 1.28): at most 2048 characters, spaces between domains included.
      const listChars = searches.map((x) => (typeof x === 'string' ? x : '')).join(' ').length;
      if (searches.length <= 32 && listChars > 2048) {
        ctx.report({
          object: pod.owner,
          path: at('dnsConfig', 'searches'),
          severity: 'error',
          message: `${who} has a search list of ${listChars} characters; the API server allows at most 2048 (including spaces).`,
        });
      }
      if (searches.length > 32) {
        ctx.report({
          object: pod.owner,
          path: at('dnsConfig', 'searches'),
          severity: 'error',
          message: `${who} lists ${searches.length} search domains; the API server allows at most 32.`,
        });
      }
    }
  },
};
