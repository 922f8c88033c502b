import type { Model } from '../../src/model/model';
import type { KObject } from '../../src/model/object';
import { servicePorts, type ServicePortSpec } from '../../src/model/service-ports';
import { asRecord, asString } from '../../src/util/values';

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

/** The Service port an Ingress or route backend names: by number (port) or by name. */
export function findServicePort(
  svc: KObject,
  port: number | string | undefined,
): ServicePortSpec | undefined {
  const ports = servicePorts(svc);
  if (port === undefined) return ports.length === 1 ? ports[0] : undefined;
  return ports.find((p) => (typeof port === 'number' ? p.port === port : p.name === port));
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
