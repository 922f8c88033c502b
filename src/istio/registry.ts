// Istio's service registry as the input shows it: Kubernetes Services and ServiceEntry hosts, each
// visible to the namespaces its exportTo allows.
import type { Model } from '../model/model';
import type { KObject } from '../model/object';
import { asString, getPath } from '../util/values';
import { exportToOf, hostCovers, resolveHost, serviceExportTo, serviceOfHost, visibleFrom } from './hosts';
import { ISTIO_NETWORKING, istioObjects, stringList, type NamespacedObject } from './resources';

export interface HostLookup {
  /** The fully qualified host. */
  fqdn: string;
  /** The Service a `<name>.<namespace>.svc.<domain>` host names, visible or not. */
  serviceRef: { name: string; namespace: string } | undefined;
  service: KObject | undefined;
  /** Whether `service` is exported to the asking namespace. */
  serviceVisible: boolean;
  /** ServiceEntries with a host covering the name, visible to the asking namespace. */
  entries: NamespacedObject[];
  /** ServiceEntries covering the name but not exported to the asking namespace. */
  hiddenEntries: NamespacedObject[];
}

/** ServiceEntry hosts are written as FQDNs (a short name is resolved in its namespace, as elsewhere). */
export function serviceEntryHosts(se: NamespacedObject, domain: string): string[] {
  return stringList(getPath(se.raw, ['spec', 'hosts'])).map((h) => resolveHost(h, se.namespace, domain));
}

/** What a destination host written in `from` (in namespace `namespace`) reaches. */
export function lookupHost(
  model: Model,
  host: string,
  namespace: string,
  domain: string,
  from: KObject,
): HostLookup {
  const fqdn = resolveHost(host, namespace, domain);
  const serviceRef = serviceOfHost(fqdn, domain);
  const service = serviceRef
    ? model.getNearest('', 'Service', serviceRef.namespace, serviceRef.name, from)
    : undefined;
  const serviceVisible =
    service !== undefined && visibleFrom(serviceExportTo(service), serviceRef?.namespace ?? '', namespace);
  const entries: NamespacedObject[] = [];
  const hiddenEntries: NamespacedObject[] = [];
  for (const se of istioObjects(model, ISTIO_NETWORKING, 'ServiceEntry')) {
    if (!serviceEntryHosts(se, domain).some((h) => hostCovers(h, fqdn))) continue;
    (visibleFrom(exportToOf(se), se.namespace, namespace) ? entries : hiddenEntries).push(se);
  }
  return { fqdn, serviceRef, service, serviceVisible, entries, hiddenEntries };
}

/** The resolved `spec.host` of a DestinationRule. */
export function destinationRuleHost(dr: NamespacedObject, domain: string): string | undefined {
  const host = asString(getPath(dr.raw, ['spec', 'host']));
  return host ? resolveHost(host, dr.namespace, domain) : undefined;
}

/**
 * DestinationRules that may apply to `fqdn` for clients in `namespace`: their host covers it and
 * their exportTo lets the namespace see them. Istio picks among them by namespace (the client's,
 * then the Service's, then the root namespace) and merges some; we keep all of them, so a check
 * against their union never reports what one of them provides.
 */
export function destinationRulesFor(
  model: Model,
  fqdn: string,
  namespace: string,
  domain: string,
): NamespacedObject[] {
  return istioObjects(model, ISTIO_NETWORKING, 'DestinationRule').filter((dr) => {
    const host = destinationRuleHost(dr, domain);
    return (
      host !== undefined && hostCovers(host, fqdn) && visibleFrom(exportToOf(dr), dr.namespace, namespace)
    );
  });
}
