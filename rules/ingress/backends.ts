import { ingressBackends, ingressesOf, type IngressBackend } from '../../src/model/ingress';
import type { Model } from '../../src/model/model';
import type { KObject } from '../../src/model/object';
import { servicePorts } from '../../src/model/service-ports';
import { asRecord, asString } from '../../src/util/values';
import { oncePer } from '../../src/util/memo';

/** "http(80), metrics(9090)" */
export function portSummary(svc: KObject): string {
  const ports = servicePorts(svc);
  return ports.length
    ? ports.map((p) => (p.name ? `${p.name}(${p.port ?? '?'})` : String(p.port ?? '?'))).join(', ')
    : 'no ports';
}

export function describeRef(name: string, port: number | string | undefined): string {
  return port === undefined ? name : `${name}:${port}`;
}

export function isExternalName(svc: KObject): boolean {
  return asString(asRecord(svc.raw['spec'])?.['type']) === 'ExternalName';
}

/** The Service a backend names, nearest definition first (variants side by side). */
export function backendService(
  model: Model,
  from: KObject,
  namespace: string,
  name: string,
): KObject | undefined {
  return model.getNearest('', 'Service', namespace, name, from);
}

export interface ServiceBackend {
  ing: KObject & { namespace: string };
  backend: IngressBackend & { serviceName: string };
  /** The Service the backend names, nearest definition first; undefined when it is missing. */
  svc: KObject | undefined;
}

/**
 * Every Ingress backend that names a Service (resource backends are legitimate and skipped). Found
 * once per model: several Ingress rules ask (the list is shared: do not change it).
 */
export const serviceBackends: (model: Model) => readonly ServiceBackend[] = oncePer(findServiceBackends);

function findServiceBackends(model: Model): ServiceBackend[] {
  const out: ServiceBackend[] = [];
  for (const ing of ingressesOf(model)) {
    if (ing.namespace === undefined) continue;
    for (const b of ingressBackends(ing)) {
      if (b.resource || !b.serviceName) continue;
      out.push({
        ing: ing as KObject & { namespace: string },
        backend: b as IngressBackend & { serviceName: string },
        svc: backendService(model, ing, ing.namespace, b.serviceName),
      });
    }
  }
  return out;
}
