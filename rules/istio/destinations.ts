// What each VirtualService destination reaches, shared by the istio-destination-* rules.
import { placeholderIn } from '../../src/load/placeholder';
import type { ClusterSettings } from '../../src/config/types';
import type { Model } from '../../src/model/model';
import { clusterDomain } from '../../src/istio/hosts';
import { lookupHost, type HostLookup } from '../../src/istio/registry';
import { allDestinations, type Destination } from '../../src/istio/resources';

export interface ResolvedDestination {
  d: Destination;
  found: HostLookup;
}

/** Every VirtualService destination with a concrete host, looked up in the registry. */
export function resolvedDestinations(model: Model, cluster: ClusterSettings): ResolvedDestination[] {
  const domain = clusterDomain(model, cluster);
  return allDestinations(model)
    .filter((d) => !d.host.includes('*') && !isPlaceholderHost(d.host))
    .map((d) => ({ d, found: lookupHost(model, d.host, d.vs.namespace, domain, d.vs) }));
}

/**
 * A host someone substitutes before applying: `${HOST}`, `{{ .Values.host }}`, or an upper-case
 * word with underscores (`DEX_SERVICE.DEX_NAMESPACE`), which no DNS name can be. It proves nothing.
 */
export function isPlaceholderHost(host: string): boolean {
  return placeholderIn(host) !== undefined || /[A-Z_]/.test(host);
}

export function describeDestination(d: Destination): string {
  return `VirtualService ${d.vs.name} ${d.role} → ${d.host}${d.port !== undefined ? `:${d.port}` : ''}${d.subset ? ` subset ${d.subset}` : ''}`;
}
