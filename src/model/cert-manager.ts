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
import type { LabelValue } from './labels';
import type { KObject } from './object';
import type { PodTemplate } from './pods';

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
  return refsOf(certificatesOf(model), shimSources(model));
}

function refsOf(certificates: readonly KObject[], shimmed: readonly KObject[]): IssuerRef[] {
  const out: IssuerRef[] = [];
  for (const cert of certificates) {
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
  for (const obj of shimmed) {
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

/** The label cert-manager puts on every HTTP-01 solver pod (pkg/issuer/acme/http/pod.go). */
export const SOLVER_LABEL = 'acme.cert-manager.io/http01-solver';
/** The solver's listening port: acmesolver's --listen-port default, exposed by its Service. */
export const SOLVER_PORT = 8089;

export interface Http01Solver {
  issuer: KObject;
  index: number;
  /** spec.acme.solvers[i].http01.ingress */
  ingress: Record<string, unknown>;
  path: FieldPath;
}

/** The HTTP-01 ingress solvers of an ACME Issuer or ClusterIssuer. */
export function http01Solvers(issuer: KObject): Http01Solver[] {
  return asArray(getPath(issuer.raw, ['spec', 'acme', 'solvers'])).flatMap((s, index) => {
    const ingress = asRecord(getPath(s, ['http01', 'ingress']));
    return ingress
      ? [{ issuer, index, ingress, path: ['spec', 'acme', 'solvers', index, 'http01', 'ingress'] }]
      : [];
  });
}

/** The issuer a Certificate or an annotated Ingress/Gateway uses, among the objects given. */
function issuerOf(ref: IssuerRef, objects: readonly KObject[]): KObject | undefined {
  if (ref.group !== CERT_MANAGER_GROUP) return undefined;
  return objects.find(
    (o) =>
      o.group === CERT_MANAGER_GROUP &&
      o.kind === ref.kind &&
      o.name === ref.name &&
      (ref.kind === 'ClusterIssuer' || o.namespace === ref.from.namespace),
  );
}

/**
 * The HTTP-01 solver pods cert-manager runs while it validates a certificate: in the namespace of
 * the Certificate (or annotated Ingress) whose issuer, in the input, has an HTTP-01 ingress solver.
 * Labels from pkg/issuer/acme/http/pod.go: the solver label, and hashes of domain and token that
 * are known only at run time; the solver's podTemplate may add labels.
 */
export function acmeSolverPods(objects: readonly KObject[]): PodTemplate[] {
  const certs = objects.filter((o) => o.group === CERT_MANAGER_GROUP && o.kind === 'Certificate');
  const sources = objects.filter(
    (o) =>
      (o.kind === 'Ingress' && (o.group === 'networking.k8s.io' || o.group === 'extensions')) ||
      (o.kind === 'Gateway' && o.group === GATEWAY_GROUP),
  );
  const out: PodTemplate[] = [];
  const seen = new Set<string>();
  for (const ref of refsOf(certs, sources)) {
    const issuer = issuerOf(ref, objects);
    const ns = ref.from.namespace;
    if (!issuer || ns === undefined) continue;
    for (const solver of http01Solvers(issuer)) {
      const key = `${ns}/${issuer.id}/${solver.index}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const extra = asRecord(getPath(solver.ingress, ['podTemplate', 'metadata', 'labels'])) ?? {};
      const labels = new Map<string, LabelValue>();
      for (const [k, v] of Object.entries(extra)) if (typeof v === 'string') labels.set(k, v);
      labels.set(SOLVER_LABEL, 'true');
      labels.set('acme.cert-manager.io/http-domain', { unknown: true });
      labels.set('acme.cert-manager.io/http-token', { unknown: true });
      out.push({
        owner: issuer,
        namespace: ns,
        labels,
        labelsPath: solver.path,
        specPath: undefined,
        containers: [
          {
            name: 'acmesolver',
            role: 'container',
            ports: [
              {
                name: 'http',
                containerPort: SOLVER_PORT,
                protocol: 'TCP',
                protocolDefaulted: false,
                path: solver.path,
              },
            ],
            raw: {},
            path: solver.path,
          },
        ],
        hostNetwork: false,
        dnsPolicy: undefined,
        // Like the DNS pods, a pod the cluster runs that the input only implies: a traffic endpoint
        // for the policy engine, never judged itself (rules about workloads skip this origin).
        origin: 'cluster',
        portsKnown: true,
      });
    }
  }
  return out;
}
