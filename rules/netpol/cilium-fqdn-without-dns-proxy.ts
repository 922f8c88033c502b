import type { Rule } from '../../src/engine/types';
import type { KObject } from '../../src/model/object';
import { parseLabelSelector, plainLabels, selectorMatches } from '../../src/model/labels';
import { asArray, asRecord, asStringMap, isRecord } from '../../src/util/values';

interface Spec {
  obj: KObject;
  path: (string | number)[];
  raw: Record<string, unknown>;
}

/** A CiliumNetworkPolicy holds one rule in `spec` or several in `specs`. */
function specsOf(obj: KObject): Spec[] {
  const out: Spec[] = [];
  const one = asRecord(obj.raw['spec']);
  if (one) out.push({ obj, path: ['spec'], raw: one });
  asArray(obj.raw['specs']).forEach((s, i) => {
    if (isRecord(s)) out.push({ obj, path: ['specs', i], raw: s });
  });
  return out;
}

const NAMESPACE_KEYS = ['k8s:io.kubernetes.pod.namespace', 'io.kubernetes.pod.namespace'];

/** A label key that looks like Cilium's namespace label but is not it ("k8s." for "k8s:"). */
function mistypedNamespaceKey(key: string): boolean {
  return !NAMESPACE_KEYS.includes(key) && key.replace(/[^a-z]/g, '') === 'ksiokubernetespodnamespace';
}

export const ciliumFqdnWithoutDnsProxy: Rule = {
  meta: {
    id: 'cilium-fqdn-without-dns-proxy',
    description: 'Cilium toFQDNs rules without a working DNS proxy rule',
    details:
      'Reports a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy rule with toFQDNs when no egress rule with ' +
      'toPorts[].rules.dns (the DNS proxy) applies to the same endpoints, or when that DNS rule targets endpoints ' +
      'through a mistyped namespace label key (k8s.io.kubernetes.pod.namespace for k8s:io.kubernetes.pod.namespace). ' +
      'DNS rules count from the same file, and from policies anywhere that only allow DNS (shared allow-dns ' +
      'policies); a DNS rule bundled with another file’s toFQDNs rules belongs to that file. When the input holds ' +
      'no DNS proxy rule at all, a warning: one may live outside it.',
    severity: 'error',
    tags: ['networkpolicy', 'cilium', 'dns'],
    docs: {
      why:
        'Cilium learns the IPs behind a toFQDNs name only from DNS answers that pass through its DNS proxy, and ' +
        'DNS traffic goes through the proxy only when an L7 DNS rule (toPorts.rules.dns) selects it. Without one, ' +
        'the FQDN rule never gets an IP and every connection to the name is dropped.',
      symptoms: [
        'connections to an allowed FQDN time out',
        'cilium-dbg fqdn cache list shows no entries for the name',
      ],
      fix: 'Add an egress rule to kube-dns on port 53 (protocol ANY) with rules.dns (e.g. matchPattern: "*") for the same endpoints.',
      example: {
        bad: 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: fqdn}\nspec:\n  endpointSelector: {matchLabels: {app: test}}\n  egress:\n  - toEndpoints:\n    - matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system, "k8s:k8s-app": kube-dns}\n  - toFQDNs:\n    - matchName: api.example.com\n',
        good: 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: fqdn}\nspec:\n  endpointSelector: {matchLabels: {app: test}}\n  egress:\n  - toEndpoints:\n    - matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system, "k8s:k8s-app": kube-dns}\n    toPorts:\n    - ports: [{port: "53", protocol: ANY}]\n      rules:\n        dns: [{matchPattern: "*"}]\n  - toFQDNs:\n    - matchName: api.example.com\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const policies = [
      ...model.ofKind('cilium.io', 'CiliumNetworkPolicy'),
      ...model.ofKind('cilium.io', 'CiliumClusterwideNetworkPolicy'),
    ];
    const specs = policies.flatMap(specsOf);
    interface DnsRule {
      spec: Spec;
      broken: string | undefined;
    }
    const dnsRules: DnsRule[] = [];
    for (const spec of specs) {
      for (const rule of asArray(spec.raw['egress'])) {
        if (!isRecord(rule)) continue;
        const proxied = asArray(rule['toPorts']).some(
          (tp) => isRecord(tp) && asArray(asRecord(tp['rules'])?.['dns']).length > 0,
        );
        if (!proxied) continue;
        const keys = asArray(rule['toEndpoints']).flatMap((e) =>
          Object.keys(asStringMap(asRecord(e)?.['matchLabels'])),
        );
        const bad = keys.find(mistypedNamespaceKey);
        dnsRules.push({ spec, broken: bad });
      }
    }
    const hasFqdn = (obj: KObject) =>
      specsOf(obj).some((s) =>
        asArray(s.raw['egress']).some((r) => isRecord(r) && asArray(r['toFQDNs']).length > 0),
      );
    const applies = (dns: Spec, fqdn: Spec): boolean => {
      if (dns.obj.namespace !== undefined && dns.obj.namespace !== fqdn.obj.namespace) return false;
      // A DNS rule bundled with other toFQDNs rules belongs to that example or app; it counts for
      // FQDN rules of its own file. A policy that only allows DNS is shared and counts everywhere.
      if (dns.obj.doc.file !== fqdn.obj.doc.file && hasFqdn(dns.obj)) return false;
      // The DNS rule must select the FQDN rule's endpoints: test it on their labels.
      const target = plainLabels(asStringMap(asRecord(fqdn.raw['endpointSelector'])?.['matchLabels']));
      return selectorMatches(parseLabelSelector(dns.raw['endpointSelector']), target);
    };
    for (const spec of specs) {
      asArray(spec.raw['egress']).forEach((rule, i) => {
        if (!isRecord(rule) || asArray(rule['toFQDNs']).length === 0) return;
        const candidates = dnsRules.filter((d) => applies(d.spec, spec));
        if (candidates.some((d) => d.broken === undefined)) return;
        const broken = candidates.find((d) => d.broken !== undefined);
        // With no DNS proxy rule anywhere in the input, one may well live outside it (a
        // clusterwide allow-dns policy installed with Cilium): the input cannot prove it missing.
        const unproven = !broken && dnsRules.length === 0;
        ctx.report({
          object: spec.obj,
          path: [...spec.path, 'egress', i, 'toFQDNs'],
          ...(unproven ? { severity: 'warning' as const } : {}),
          message: unproven
            ? `${spec.obj.kind} ${spec.obj.name}: toFQDNs needs an egress rule with toPorts.rules.dns (the DNS proxy) for the same endpoints, and the input holds none; unless a policy outside it (a clusterwide allow-dns policy) proxies DNS for these endpoints, Cilium never learns the names' IPs and these rules never match.`
            : broken
              ? `${spec.obj.kind} ${spec.obj.name}: the DNS proxy rule for these endpoints selects kube-dns by label '${broken.broken}', which no endpoint carries (Cilium's key is 'k8s:io.kubernetes.pod.namespace'), so DNS is not proxied and these toFQDNs rules never match.`
              : `${spec.obj.kind} ${spec.obj.name}: toFQDNs needs an egress rule with toPorts.rules.dns (the DNS proxy) for the same endpoints; without it Cilium never learns the names' IPs and these rules never match.`,
          related: broken
            ? [
                {
                  object: broken.spec.obj,
                  path: broken.spec.path,
                  message: 'DNS proxy rule with the mistyped key',
                },
              ]
            : [],
        });
      });
    }
  },
};
