// cert-manager (cert-manager.io) as the ingress-shim and the Certificate controller read it: the
// issuer a Certificate or an annotated Ingress/Gateway asks for, and the Certificates behind a
// TLS Secret. Semantics from cert-manager's docs ("Certificate resources", "Annotated Ingress
// resource", "Annotated Gateway resource") and its API reference (ObjectReference: kind defaults
// to Issuer, group to cert-manager.io).
import type { FieldPath } from '../load/types';
import { asArray, asRecord, asString, getPath } from '../util/values';
import { GATEWAY_GROUP } from './gateway';
import { ingressesOf } from './ingress';
import type { Model } from './model';
import type { KObject } from './object';

export const CERT_MANAGER_GROUP = 'cert-manager.io';

export interface IssuerRef {
  from: KObject;
  name: string;
  /** Issuer (namespaced, in `from`'s namespace) or ClusterIssuer; other kinds are external issuers. */
  kind: string;
  group: string;
  path: FieldPath;
}

/** The annotations the ingress-shim reads on Ingresses and Gateways. */
export const ISSUER_ANNOTATION = 'cert-manager.io/issuer';
export const CLUSTER_ISSUER_ANNOTATION = 'cert-manager.io/cluster-issuer';
const KIND_ANNOTATION = 'cert-manager.io/issuer-kind';
const GROUP_ANNOTATION = 'cert-manager.io/issuer-group';

export function certificatesOf(model: Model): readonly KObject[] {
  return model.ofKind(CERT_MANAGER_GROUP, 'Certificate');
}

/** Objects the ingress-shim reads annotations from: Ingresses and Gateway API Gateways. */
export function shimSources(model: Model): KObject[] {
  return [...ingressesOf(model), ...model.ofKind(GATEWAY_GROUP, 'Gateway')];
}

/** Whether an Ingress or Gateway asks cert-manager to issue its certificates. */
export function hasShimAnnotations(obj: KObject): boolean {
  return (
    obj.annotations[ISSUER_ANNOTATION] !== undefined ||
    obj.annotations[CLUSTER_ISSUER_ANNOTATION] !== undefined ||
    obj.annotations['kubernetes.io/tls-acme'] === 'true'
  );
}

export function issuerRefs(model: Model): IssuerRef[] {
  const out: IssuerRef[] = [];
  for (const cert of certificatesOf(model)) {
    const ref = asRecord(getPath(cert.raw, ['spec', 'issuerRef']));
    const name = asString(ref?.['name']);
    if (!name) continue;
    out.push({
      from: cert,
      name,
      kind: asString(ref?.['kind']) || 'Issuer',
      group: asString(ref?.['group']) || CERT_MANAGER_GROUP,
      path: ['spec', 'issuerRef', 'name'],
    });
  }
  for (const obj of shimSources(model)) {
    // issuer-kind and issuer-group name an external issuer and apply to the `issuer` annotation.
    const group = obj.annotations[GROUP_ANNOTATION] || CERT_MANAGER_GROUP;
    const issuer = obj.annotations[ISSUER_ANNOTATION];
    if (issuer)
      out.push({
        from: obj,
        name: issuer,
        kind: obj.annotations[KIND_ANNOTATION] || 'Issuer',
        group,
        path: ['metadata', 'annotations', ISSUER_ANNOTATION],
      });
    const cluster = obj.annotations[CLUSTER_ISSUER_ANNOTATION];
    if (cluster)
      out.push({
        from: obj,
        name: cluster,
        kind: 'ClusterIssuer',
        group: CERT_MANAGER_GROUP,
        path: ['metadata', 'annotations', CLUSTER_ISSUER_ANNOTATION],
      });
  }
  return out;
}

/** Certificates of a namespace that write a Secret of this name. */
export function certificatesForSecret(model: Model, namespace: string, secret: string): KObject[] {
  return certificatesOf(model).filter(
    (c) => c.namespace === namespace && getPath(c.raw, ['spec', 'secretName']) === secret,
  );
}

/** The names a Certificate is valid for: spec.dnsNames and the legacy spec.commonName. */
export function certificateNames(cert: KObject): string[] {
  const names = asArray(getPath(cert.raw, ['spec', 'dnsNames'])).flatMap((n) =>
    typeof n === 'string' && n ? [n.toLowerCase()] : [],
  );
  const cn = asString(getPath(cert.raw, ['spec', 'commonName']));
  if (cn) names.push(cn.toLowerCase());
  return names;
}

/**
 * Whether a certificate name covers a host (RFC 6125 §6.4.3 as TLS clients apply it): equal, or a
 * `*.` wildcard standing for exactly one leftmost label.
 */
export function nameCovers(name: string, host: string): boolean {
  const h = host.toLowerCase();
  if (name === h) return true;
  if (!name.startsWith('*.')) return false;
  const rest = name.slice(1);
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot) === rest;
}
