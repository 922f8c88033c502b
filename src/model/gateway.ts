// Gateway API routes, their backendRefs and parentRefs, with the API's defaults applied.
import type { FieldPath } from '../load/types';
import { asArray, asNumber, asRecord, asString, isRecord } from '../util/values';
import type { Model } from './model';
import type { KObject } from './object';
import { oncePer } from '../util/memo';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
export const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'];

export interface BackendRef {
  route: KObject;
  group: string;
  kind: string;
  name: string;
  /** The route's own namespace when not given. */
  namespace: string;
  port: number | undefined;
  path: FieldPath;
  /** A RequestMirror filter's backendRef (mirrored copies, responses ignored). */
  mirror: boolean;
}

export interface ParentRef {
  route: KObject;
  group: string;
  kind: string;
  name: string;
  namespace: string;
  sectionName: string | undefined;
  port: number | undefined;
  path: FieldPath;
}

export function routesOf(model: Model): KObject[] {
  return ROUTE_KINDS.flatMap((k) => model.ofKind(GATEWAY_GROUP, k));
}

/** One BackendObjectReference at `path`, with the API's defaults, or undefined when it names nothing. */
function backendRefAt(
  route: KObject,
  ref: unknown,
  path: FieldPath,
  mirror: boolean,
): BackendRef | undefined {
  if (!isRecord(ref)) return undefined;
  const name = asString(ref['name']);
  if (!name) return undefined;
  // "When unspecified or empty string, core API group is inferred"; Kind defaults to Service.
  return {
    route,
    group: asString(ref['group']) ?? '',
    kind: asString(ref['kind']) ?? 'Service',
    name,
    namespace: asString(ref['namespace']) ?? (route.namespace as string),
    port: asNumber(ref['port']),
    path,
    mirror,
  };
}

/**
 * The RequestMirror filters' backendRefs among `filters` (at `path`). HTTPRequestMirrorFilter's
 * backendRef is a BackendObjectReference like backendRefs[]: "If the referent cannot be found, this
 * BackendRef is invalid" (apis/v1/httproute_types.go); GRPCRoute has the same filter.
 */
function mirrorRefs(route: KObject, filters: unknown, path: FieldPath): BackendRef[] {
  return asArray(filters).flatMap((f, k) => {
    const mirror = asRecord(asRecord(f)?.['requestMirror']);
    const ref =
      mirror && backendRefAt(route, mirror['backendRef'], [...path, k, 'requestMirror', 'backendRef'], true);
    return ref ? [ref] : [];
  });
}

/** The backendRefs of a route (mirrors included), read once per route: the list is shared, do not change it. */
export const backendRefs: (route: KObject) => readonly BackendRef[] = oncePer(readBackendRefs);

function readBackendRefs(route: KObject): BackendRef[] {
  if (route.namespace === undefined) return [];
  const out: BackendRef[] = [];
  asArray(asRecord(route.raw['spec'])?.['rules']).forEach((r, i) => {
    const rule = asRecord(r);
    asArray(rule?.['backendRefs']).forEach((ref, j) => {
      const path: FieldPath = ['spec', 'rules', i, 'backendRefs', j];
      const b = backendRefAt(route, ref, path, false);
      if (b) out.push(b);
      out.push(...mirrorRefs(route, asRecord(ref)?.['filters'], [...path, 'filters']));
    });
    out.push(...mirrorRefs(route, rule?.['filters'], ['spec', 'rules', i, 'filters']));
  });
  return out;
}

/** The backendRefs of every route that name a core Service (other kinds are implementation-specific). */
export function serviceRefs(model: Model): BackendRef[] {
  return routesOf(model).flatMap((route) =>
    backendRefs(route).filter((ref) => ref.group === '' && ref.kind === 'Service'),
  );
}

export function parentRefs(route: KObject): ParentRef[] {
  if (route.namespace === undefined) return [];
  return asArray(asRecord(route.raw['spec'])?.['parentRefs']).flatMap((ref, i) => {
    if (!isRecord(ref)) return [];
    const name = asString(ref['name']);
    if (!name) return [];
    return [
      {
        route,
        group: asString(ref['group']) ?? GATEWAY_GROUP,
        kind: asString(ref['kind']) ?? 'Gateway',
        name,
        namespace: asString(ref['namespace']) ?? (route.namespace as string),
        sectionName: asString(ref['sectionName']),
        port: asNumber(ref['port']),
        path: ['spec', 'parentRefs', i],
      },
    ];
  });
}

export interface Listener {
  name: string;
  port: number | undefined;
  protocol: string;
  index: number;
  raw: Record<string, unknown>;
}

export function listenersOf(gateway: KObject): Listener[] {
  return asArray(asRecord(gateway.raw['spec'])?.['listeners']).flatMap((l, index) => {
    if (!isRecord(l)) return [];
    return [
      {
        name: asString(l['name']) ?? `#${index}`,
        port: asNumber(l['port']),
        protocol: asString(l['protocol']) ?? 'HTTP',
        index,
        raw: l,
      },
    ];
  });
}

/**
 * ListenerSet (gateway.networking.k8s.io/v1; XListenerSet of gateway.networking.x-k8s.io before
 * it): listeners of its own attached to one parent Gateway through spec.parentRef, which must
 * allow them (GatewaySpec.allowedListeners, default from: None).
 */
export const LISTENER_SET_KINDS: readonly { group: string; kind: string }[] = [
  { group: GATEWAY_GROUP, kind: 'ListenerSet' },
  { group: 'gateway.networking.x-k8s.io', kind: 'XListenerSet' },
];

export function isListenerSetKind(group: string, kind: string): boolean {
  return LISTENER_SET_KINDS.some((k) => k.group === group && k.kind === kind);
}

export function listenerSetsOf(model: Model): KObject[] {
  return LISTENER_SET_KINDS.flatMap((k) => model.ofKind(k.group, k.kind));
}

/** Gateways and ListenerSets: the objects that hold listeners. */
export function listenerOwners(model: Model): KObject[] {
  return [...model.ofKind(GATEWAY_GROUP, 'Gateway'), ...listenerSetsOf(model)];
}

/** A ListenerSet's parent Gateway reference (ParentGatewayReference; namespace defaults to its own). */
export function listenerSetParent(
  ls: KObject,
): { group: string; kind: string; name: string; namespace: string } | undefined {
  const ref = asRecord(asRecord(ls.raw['spec'])?.['parentRef']);
  const name = asString(ref?.['name']);
  if (!ref || !name || ls.namespace === undefined) return undefined;
  return {
    group: asString(ref['group']) ?? GATEWAY_GROUP,
    kind: asString(ref['kind']) ?? 'Gateway',
    name,
    namespace: asString(ref['namespace']) ?? ls.namespace,
  };
}
