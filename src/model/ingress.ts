// Ingress backends in both API shapes: networking.k8s.io/v1 (service.name, service.port.number|name)
// and the legacy extensions/v1beta1 and networking.k8s.io/v1beta1 (serviceName, servicePort).
import type { FieldPath } from '../load/types';
import { asArray, asNumber, asRecord, asString, isRecord } from '../util/values';
import type { Model } from './model';
import type { KObject } from './object';
import { oncePer } from '../util/memo';

export interface IngressBackend {
  ingress: KObject;
  /** undefined for `resource` backends, which point at a custom resource (legitimate). */
  serviceName: string | undefined;
  port: number | string | undefined;
  resource: boolean;
  path: FieldPath;
  /** The rule host ('' for any host) and HTTP path, for conflicts and messages. */
  host: string;
  httpPath: string | undefined;
  pathType: string | undefined;
  /** The `backend` of a rule path; `defaultBackend` (spec.backend in v1beta1) otherwise. */
  isDefault: boolean;
  legacy: boolean;
  /**
   * A networking.k8s.io/v1 backend written with v1beta1's serviceName/servicePort: v1 has no such
   * fields, so the API server drops them (or refuses them as unknown) and the backend names nothing.
   */
  v1beta1Fields: boolean;
  /** The group and kind of a `resource` backend. */
  resourceKind?: string;
}

export function isIngress(obj: KObject): boolean {
  return obj.kind === 'Ingress' && (obj.group === 'networking.k8s.io' || obj.group === 'extensions');
}

export function ingressesOf(model: Model): KObject[] {
  return [...model.ofKind('networking.k8s.io', 'Ingress'), ...model.ofKind('extensions', 'Ingress')];
}

function readBackend(
  ingress: KObject,
  raw: unknown,
  path: FieldPath,
  legacy: boolean,
): Omit<IngressBackend, 'host' | 'httpPath' | 'pathType' | 'isDefault' | 'v1beta1Fields'> | undefined {
  const b = asRecord(raw);
  if (!b) return undefined;
  if (b['resource'] !== undefined) {
    const r = asRecord(b['resource']);
    const kind = asString(r?.['kind']);
    const group = asString(r?.['apiGroup']);
    return {
      ingress,
      serviceName: undefined,
      port: undefined,
      resource: true,
      path,
      legacy,
      ...(kind ? { resourceKind: group ? `${kind}.${group}` : kind } : {}),
    };
  }
  if (legacy) {
    const sp = b['servicePort'];
    const port = typeof sp === 'string' && /^\d+$/.test(sp) ? Number(sp) : (asNumber(sp) ?? asString(sp));
    const serviceName = asString(b['serviceName']);
    if (isAlbAction(ingress, serviceName, port))
      return { ingress, serviceName: undefined, port: undefined, resource: true, path, legacy: true };
    return { ingress, serviceName, port, resource: false, path, legacy: true };
  }
  const svc = asRecord(b['service']);
  const p = asRecord(svc?.['port']);
  const port = asNumber(p?.['number']) ?? asString(p?.['name']);
  const serviceName = asString(svc?.['name']);
  if (isAlbAction(ingress, serviceName, port))
    return { ingress, serviceName: undefined, port: undefined, resource: true, path, legacy: false };
  return { ingress, serviceName, port, resource: false, path, legacy: false };
}

/**
 * The AWS Load Balancer Controller's action backends: port name `use-annotation` says the backend
 * name keys an `alb.ingress.kubernetes.io/actions.<name>` annotation holding the action (forward
 * to weighted target groups, redirect, fixed response), not a Service (AWS Load Balancer
 * Controller docs, Ingress annotations). Argo Rollouts writes that annotation at run time for the
 * Ingresses its Rollouts manage, so the annotation need not be in the input.
 */
function isAlbAction(
  _ingress: KObject,
  name: string | undefined,
  port: number | string | undefined,
): boolean {
  return port === 'use-annotation' && name !== undefined;
}

/** The backend of a v1 Ingress written with v1beta1's fields only (see IngressBackend.v1beta1Fields). */
function hasV1beta1Fields(raw: unknown, legacy: boolean): boolean {
  const b = asRecord(raw);
  return (
    !legacy &&
    b !== undefined &&
    (b['serviceName'] !== undefined || b['servicePort'] !== undefined) &&
    b['service'] === undefined &&
    b['resource'] === undefined
  );
}

function backendAt(ingress: KObject, raw: unknown, path: FieldPath, legacy: boolean) {
  if (hasV1beta1Fields(raw, legacy))
    return {
      ingress,
      serviceName: undefined,
      port: undefined,
      resource: false,
      path,
      legacy,
      v1beta1Fields: true,
    };
  const b = readBackend(ingress, raw, path, legacy);
  return b && { ...b, v1beta1Fields: false };
}

/**
 * Every backend an Ingress names, with the host and path that lead to it. Read once per Ingress:
 * most Ingress rules ask for them (the list is shared: do not change it).
 */
export const ingressBackends: (ingress: KObject) => readonly IngressBackend[] = oncePer(readIngressBackends);

function readIngressBackends(ingress: KObject): IngressBackend[] {
  const spec = asRecord(ingress.raw['spec']) ?? {};
  const legacy = ingress.apiVersion.endsWith('v1beta1');
  const out: IngressBackend[] = [];
  const defField = spec['defaultBackend'] !== undefined ? 'defaultBackend' : 'backend';
  const def = backendAt(ingress, spec[defField], ['spec', defField], legacy);
  if (def) out.push({ ...def, host: '', httpPath: undefined, pathType: undefined, isDefault: true });
  asArray(spec['rules']).forEach((rule, i) => {
    if (!isRecord(rule)) return;
    const host = asString(rule['host']) ?? '';
    asArray(asRecord(rule['http'])?.['paths']).forEach((p, j) => {
      if (!isRecord(p)) return;
      const at: FieldPath = ['spec', 'rules', i, 'http', 'paths', j];
      const b = backendAt(ingress, p['backend'], [...at, 'backend'], legacy);
      if (b)
        out.push({
          ...b,
          host,
          httpPath: asString(p['path']),
          pathType: asString(p['pathType']),
          isDefault: false,
        });
    });
  });
  return out;
}

/** The class an Ingress asks for: spec.ingressClassName, or the legacy annotation. */
export function ingressClassOf(ingress: KObject): { name: string; path: FieldPath } | undefined {
  const name = asString(asRecord(ingress.raw['spec'])?.['ingressClassName']);
  if (name) return { name, path: ['spec', 'ingressClassName'] };
  const ann = ingress.annotations['kubernetes.io/ingress.class'];
  if (ann) return { name: ann, path: ['metadata', 'annotations', 'kubernetes.io/ingress.class'] };
  return undefined;
}
