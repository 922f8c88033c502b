// Readers for Istio's networking and security resources (networking.istio.io,
// security.istio.io), with the defaults of the Istio API reference applied.
import type { FieldPath } from '../load/types';
import type { Model } from '../model/model';
import type { KObject } from '../model/object';
import { asArray, asNumber, asRecord, asString, asStringMap, getPath, isRecord } from '../util/values';

export const ISTIO_NETWORKING = 'networking.istio.io';
export const ISTIO_SECURITY = 'security.istio.io';

export type NamespacedObject = KObject & { namespace: string };

export function istioObjects(model: Model, group: string, kind: string): NamespacedObject[] {
  return model.ofKind(group, kind).filter((o): o is NamespacedObject => o.namespace !== undefined);
}

export interface Destination {
  vs: NamespacedObject;
  host: string;
  subset: string | undefined;
  port: number | undefined;
  /** Path of the Destination object. */
  path: FieldPath;
  /** A route destination, or a mirror (traffic copied, responses dropped). */
  role: 'route' | 'mirror';
  /** http, tcp or tls. */
  protocol: 'http' | 'tcp' | 'tls';
}

function readDestination(
  vs: NamespacedObject,
  value: unknown,
  path: FieldPath,
  role: Destination['role'],
  protocol: Destination['protocol'],
): Destination[] {
  if (!isRecord(value)) return [];
  const host = asString(value['host']);
  if (!host) return [];
  return [
    {
      vs,
      host,
      subset: asString(value['subset']) || undefined,
      port: asNumber(getPath(value, ['port', 'number'])),
      path,
      role,
      protocol,
    },
  ];
}

/**
 * Every destination of a VirtualService: `http[].route[].destination`, `http[].mirror`,
 * `http[].mirrors[].destination`, `tcp[].route[].destination` and `tls[].route[].destination`
 * (Istio API reference, VirtualService).
 */
export function destinationsOf(vs: NamespacedObject): Destination[] {
  const out: Destination[] = [];
  const spec = asRecord(vs.raw['spec']);
  for (const protocol of ['http', 'tcp', 'tls'] as const) {
    asArray(spec?.[protocol]).forEach((rule, i) => {
      if (!isRecord(rule)) return;
      const base: FieldPath = ['spec', protocol, i];
      asArray(rule['route']).forEach((r, j) => {
        out.push(
          ...readDestination(
            vs,
            asRecord(r)?.['destination'],
            [...base, 'route', j, 'destination'],
            'route',
            protocol,
          ),
        );
      });
      if (protocol !== 'http') return;
      out.push(...readDestination(vs, rule['mirror'], [...base, 'mirror'], 'mirror', protocol));
      asArray(rule['mirrors']).forEach((m, j) => {
        out.push(
          ...readDestination(
            vs,
            asRecord(m)?.['destination'],
            [...base, 'mirrors', j, 'destination'],
            'mirror',
            protocol,
          ),
        );
      });
    });
  }
  return out;
}

export function virtualServices(model: Model): NamespacedObject[] {
  return istioObjects(model, ISTIO_NETWORKING, 'VirtualService');
}

export function allDestinations(model: Model): Destination[] {
  return virtualServices(model).flatMap(destinationsOf);
}

export function stringList(value: unknown): string[] {
  return asArray(value).flatMap((v) => {
    const s = asString(v);
    return s ? [s] : [];
  });
}

export function vsHosts(vs: KObject): string[] {
  return stringList(getPath(vs.raw, ['spec', 'hosts']));
}

export interface GatewayRef {
  name: string;
  namespace: string;
  index: number;
  /** Written without a namespace: the VirtualService's namespace applies. */
  bare: boolean;
}

/**
 * The Gateways a VirtualService binds to. `<namespace>/<name>` or a bare name in the VirtualService's
 * namespace; the reserved `mesh` means the sidecars, and is the default when the list is empty
 * (Istio API reference, VirtualService.gateways). A dotted bare name is a legacy FQDN form
 * (`name.namespace.svc.<domain>`): its first two labels are taken.
 */
export function gatewayRefs(vs: NamespacedObject): GatewayRef[] {
  return stringList(getPath(vs.raw, ['spec', 'gateways'])).flatMap((g, index): GatewayRef[] => {
    if (g === 'mesh') return [];
    const slash = g.indexOf('/');
    if (slash >= 0) return [{ namespace: g.slice(0, slash), name: g.slice(slash + 1), index, bare: false }];
    const dot = g.split('.');
    if (dot.length > 1 && dot[0] && dot[1]) return [{ name: dot[0], namespace: dot[1], index, bare: false }];
    return [{ name: g, namespace: vs.namespace, index, bare: true }];
  });
}

export interface Subset {
  dr: NamespacedObject;
  name: string;
  labels: Record<string, string>;
  index: number;
}

export function destinationRules(model: Model): NamespacedObject[] {
  return istioObjects(model, ISTIO_NETWORKING, 'DestinationRule');
}

export function subsetsOf(dr: NamespacedObject): Subset[] {
  return asArray(getPath(dr.raw, ['spec', 'subsets'])).flatMap((s, index) => {
    if (!isRecord(s)) return [];
    const name = asString(s['name']);
    return name ? [{ dr, name, labels: asStringMap(s['labels']), index }] : [];
  });
}

export interface ServerSpec {
  gateway: NamespacedObject;
  port: number | undefined;
  protocol: string | undefined;
  hosts: string[];
  credentialName: string | undefined;
  tlsMode: string | undefined;
  index: number;
}

export function gatewayServers(gw: NamespacedObject): ServerSpec[] {
  return asArray(getPath(gw.raw, ['spec', 'servers'])).flatMap((s, index) => {
    if (!isRecord(s)) return [];
    return [
      {
        gateway: gw,
        port: asNumber(getPath(s, ['port', 'number'])),
        protocol: asString(getPath(s, ['port', 'protocol']))?.toUpperCase(),
        hosts: stringList(s['hosts']),
        credentialName: asString(getPath(s, ['tls', 'credentialName'])) || undefined,
        tlsMode: asString(getPath(s, ['tls', 'mode'])),
        index,
      },
    ];
  });
}

/** The ports of a ServiceEntry (`ports[].number`). */
export function serviceEntryPorts(se: KObject): number[] {
  return asArray(getPath(se.raw, ['spec', 'ports'])).flatMap((p) => {
    const n = asNumber(asRecord(p)?.['number']);
    return n === undefined ? [] : [n];
  });
}
