// Istio host names: how a VirtualService or DestinationRule host becomes a fully qualified name,
// how wildcards match, and which namespaces may see a Service or ServiceEntry (exportTo).
//
// Istio docs (networking VirtualService, Destination.host): "When short names are used (e.g.
// "reviews" instead of "reviews.default.svc.cluster.local"), Istio will interpret the short name
// based on the namespace of the rule, not the service"; names with a dot are taken as written
// (pilot's ResolveShortnameToFQDN expands only names without a dot). `cluster.local` is the
// default of istiod's domain suffix: we use the cluster's real domain when the input states it.
import type { ClusterSettings } from '../config/types';
import { clusterDomains } from '../dns/cluster';
import type { Model } from '../model/model';
import type { KObject } from '../model/object';
import { asArray, asRecord, asString } from '../util/values';

/**
 * The cluster's DNS domain: the config's cluster.dns.clusterDomain, else the kubelet, kubeadm, kind or k3s
 * configuration in the input, else `cluster.local`.
 */
export function clusterDomain(model: Model, cluster: ClusterSettings): string {
  return (clusterDomains(model, cluster)[0]?.value ?? 'cluster.local').replace(/\.$/, '').toLowerCase();
}

/** A host as Istio resolves it for a resource in `namespace`. */
export function resolveHost(host: string, namespace: string, domain: string): string {
  const h = host.trim().toLowerCase();
  if (h === '*' || h.includes('.')) return h;
  return `${h}.${namespace}.svc.${domain}`;
}

export function serviceFqdn(svc: KObject, domain: string): string {
  return `${svc.name}.${svc.namespace ?? ''}.svc.${domain}`.toLowerCase();
}

/** `name.namespace` of a `<name>.<namespace>.svc.<domain>` host, or undefined. */
export function serviceOfHost(fqdn: string, domain: string): { name: string; namespace: string } | undefined {
  const suffix = `.svc.${domain}`;
  if (!fqdn.endsWith(suffix)) return undefined;
  const parts = fqdn.slice(0, -suffix.length).split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { name: parts[0], namespace: parts[1] };
}

/**
 * Whether the host pattern `pattern` (`*`, `*.example.com` or a name) covers the host `host`
 * (itself a name or a wildcard). Istio hosts: a `*.` prefix matches any name that ends with the
 * rest, `*` matches everything.
 */
export function hostCovers(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === '*' || p === h) return true;
  if (p.startsWith('*')) {
    const rest = p.slice(1);
    return h.startsWith('*') ? h.slice(1).endsWith(rest) : h.endsWith(rest);
  }
  return false;
}

/** Whether two host patterns have a host in common. */
export function hostsOverlap(a: string, b: string): boolean {
  return hostCovers(a, b) || hostCovers(b, a);
}

/**
 * Whether an object exported with `exportTo` (undefined or empty: everywhere, Istio's default
 * `defaultServiceExportTo`/`defaultVirtualServiceExportTo` of `*`) is visible to `from`. Entries
 * are `.` (own namespace), `*` (all), `~` (none) or namespace names (Istio docs, exportTo).
 */
export function visibleFrom(exportTo: readonly string[] | undefined, own: string, from: string): boolean {
  if (!exportTo || exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || (e === '.' && own === from) || e === from);
}

/** `spec.exportTo` of an Istio resource. */
export function exportToOf(obj: KObject): string[] | undefined {
  const list = asArray(asRecord(obj.raw['spec'])?.['exportTo']).flatMap((e) => {
    const s = asString(e);
    return s ? [s.trim()] : [];
  });
  return list.length ? list : undefined;
}

/** A Service's `networking.istio.io/exportTo` annotation (comma-separated), as exportTo. */
export function serviceExportTo(svc: KObject): string[] | undefined {
  const a = svc.annotations['networking.istio.io/exportTo'];
  if (a === undefined) return undefined;
  const list = a
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length ? list : undefined;
}
