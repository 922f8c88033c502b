import type { Rule } from '../../src/engine/types';
import {
  GATEWAY_GROUP,
  isListenerSetKind,
  listenersOf,
  parentRefs,
  routesOf,
  type Listener,
} from '../../src/model/gateway';
import { parseLabelSelector, plainLabels, selectorMatches } from '../../src/model/labels';
import { routeMatchesListenerHostname } from '../../src/model/hostnames';
import type { KObject } from '../../src/model/object';
import { asArray, asRecord, asString, isRecord } from '../../src/util/values';

/** Route kinds a listener accepts when allowedRoutes.kinds is not given (by protocol). */
const DEFAULT_KINDS: Record<string, string[]> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
  TLS: ['TLSRoute'],
  TCP: ['TCPRoute'],
  UDP: ['UDPRoute'],
};

/** Route kinds whose `hostnames` must intersect the listener's `hostname`. */
const HOSTNAME_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute'];
/** Listener protocols whose `hostname` is matched (the spec ignores it for TCP and UDP). */
const HOSTNAME_PROTOCOLS = ['HTTP', 'HTTPS', 'TLS'];

/** The listener's hostname when its protocol matches on one, else undefined (matches every route). */
function listenerHostname(l: Listener): string | undefined {
  return HOSTNAME_PROTOCOLS.includes(l.protocol) ? asString(l.raw['hostname']) : undefined;
}

/**
 * Why a listener refuses a route, or undefined when it admits it. `unproven` marks reasons the
 * input cannot prove: the labels of a namespace the input does not define, and a TCPRoute on a TLS
 * listener that terminates TLS (the spec's default kinds for TLS are TLSRoute, but common
 * implementations such as Envoy Gateway and NGINX Gateway Fabric accept TCPRoutes there).
 */
function admits(
  model: {
    namespaceLabels(ns: string): Record<string, string>;
    namespaces: ReadonlyMap<string, { object: KObject | undefined }>;
  },
  gw: KObject,
  l: Listener,
  route: KObject,
): { reason: string; unproven: boolean } | undefined {
  const allowed = asRecord(l.raw['allowedRoutes']) ?? {};
  const ns = asRecord(allowed['namespaces']) ?? {};
  const from = asString(ns['from']) ?? 'Same';
  if (from === 'Same' && route.namespace !== gw.namespace)
    return { reason: `admits routes from its own namespace '${gw.namespace}' only`, unproven: false };
  if (from === 'Selector') {
    const sel = parseLabelSelector(ns['selector']);
    const routeNs = route.namespace as string;
    if (!selectorMatches(sel, plainLabels(model.namespaceLabels(routeNs)))) {
      // Only the automatic kubernetes.io/metadata.name label is known of a namespace the input
      // does not define: its other labels may well match.
      const known = model.namespaces.get(routeNs)?.object !== undefined;
      return known
        ? {
            reason: `admits routes from namespaces matching its selector only, and '${routeNs}' does not match`,
            unproven: false,
          }
        : {
            reason: `admits routes from namespaces matching its selector only, and the input does not define Namespace '${routeNs}' (its labels are unknown)`,
            unproven: true,
          };
    }
  }
  const kinds = asArray(allowed['kinds']).flatMap((k) =>
    isRecord(k) && asString(k['kind']) ? [asString(k['kind']) as string] : [],
  );
  const accepted = kinds.length
    ? kinds
    : Object.hasOwn(DEFAULT_KINDS, l.protocol)
      ? (DEFAULT_KINDS[l.protocol] ?? [])
      : [];
  if (accepted.length && !accepted.includes(route.kind)) {
    const mode = asString(asRecord(l.raw['tls'])?.['mode']) ?? 'Terminate';
    const terminatedTcp =
      !kinds.length && l.protocol === 'TLS' && mode === 'Terminate' && route.kind === 'TCPRoute';
    return {
      reason:
        `accepts ${accepted.join(', ')} (protocol ${l.protocol}), not ${route.kind}` +
        (terminatedTcp
          ? ' by the specification, though implementations commonly accept TCPRoutes on a TLS listener that terminates TLS'
          : ''),
      unproven: terminatedTcp,
    };
  }
  return undefined;
}

export const routeParentMissing: Rule = {
  meta: {
    id: 'route-parent-missing',
    description: 'Route attaches to a missing Gateway or listener',
    details:
      'Reports a route parentRef to a Gateway or ListenerSet that is not in the input (a note; a warning when ' +
      'objects of that kind and namespace ' +
      'are near the route, an error when one has a name a typo away), to a sectionName or port the ' +
      'Gateway or ListenerSet has no listener for (an error), and to listeners whose allowedRoutes exclude the route namespace or ' +
      'kind (a warning), and an HTTPRoute, GRPCRoute or TLSRoute whose hostnames intersect none of the hostnames ' +
      'of the listeners it attaches to (an error: Accepted=False, NoMatchingListenerHostname).',
    severity: 'error',
    tags: ['gateway-api'],
    docs: {
      why: 'A route that does not attach serves nothing: the Gateway reports Accepted=False (NoMatchingParent, NotAllowedByListeners, NoMatchingListenerHostname) and traffic gets 404.',
      symptoms: [
        'Accepted False: NoMatchingListenerHostname',
        'Accepted False: NotAllowedByListeners',
        'HTTP 404 from the gateway',
      ],
      fix: "Point parentRefs at an existing Gateway and listener, allow the route's namespace and kind in the listener's allowedRoutes, and give the route a hostname the listener's hostname matches (*.example.com matches a.example.com and a.b.example.com, not example.com).",
      example: {
        bad: 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: site, namespace: web}\nspec:\n  parentRefs: [{name: gw, namespace: infra, sectionName: https}]\n',
        good: 'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: infra}\nspec:\n  gatewayClassName: example\n  listeners:\n  - name: https\n    port: 443\n    protocol: HTTPS\n    allowedRoutes: {namespaces: {from: All}}\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    for (const route of routesOf(model)) {
      for (const ref of parentRefs(route)) {
        // A ListenerSet parent holds listeners as a Gateway does; allowedRoutes' default "Same" is
        // then the ListenerSet's namespace. Whether its Gateway admits it is gateway-listener-invalid's.
        const listenerSet = isListenerSetKind(ref.group, ref.kind);
        if (!listenerSet && (ref.group !== GATEWAY_GROUP || ref.kind !== 'Gateway')) continue;
        const gw = model.getNearest(ref.group, ref.kind, ref.namespace, ref.name, route);
        if (!gw) {
          // The closed-world rule (closed-world.ts), as for backends: shared Gateways usually live
          // in another repository, so a note, unless Gateways near the route make a typo likely.
          const verdict = model.judgeMissing(
            { group: ref.group, kind: ref.kind, namespace: ref.namespace, name: ref.name },
            route,
          );
          ctx.report({
            object: route,
            path: ref.path,
            severity: verdict.level,
            message:
              `${route.kind} ${route.name} attaches to ${ref.kind} ${ref.namespace}/${ref.name}, which is not in the input; ` +
              (verdict.level === 'error' ? 'the route is not accepted.' : 'cannot check the listener.') +
              (verdict.level === 'note' ? '' : verdict.reason),
            // The Gateway it probably means, and the Gateways a change could rename or remove.
            related: (verdict.similar ? [verdict.similar] : []).map((g) => ({
              object: g,
              path: ['metadata', 'name'],
              message: `${g.id}, a similar name`,
            })),
          });
          continue;
        }
        const listeners = listenersOf(gw).filter(
          (l) =>
            (ref.sectionName === undefined || l.name === ref.sectionName) &&
            (ref.port === undefined || l.port === ref.port),
        );
        if (listeners.length === 0) {
          const what = [
            ref.sectionName !== undefined ? `sectionName '${ref.sectionName}'` : '',
            ref.port !== undefined ? `port ${ref.port}` : '',
          ]
            .filter(Boolean)
            .join(' and ');
          ctx.report({
            object: route,
            path: ref.path,
            message: `${route.kind} ${route.name} attaches to ${gw.kind} ${gw.name} ${what}, but the ${gw.kind} has listeners ${
              listenersOf(gw)
                .map((l) => `${l.name}(${l.port ?? '?'}/${l.protocol})`)
                .join(', ') || '(none)'
            }; the route is not accepted.`,
            related: [{ object: gw, path: ['spec', 'listeners'], message: `listeners of ${gw.id}` }],
          });
          continue;
        }
        const reasons = listeners.map((l) => admits(model, gw, l, route));
        if (reasons.every((r) => r !== undefined)) {
          const unproven = reasons.some((r) => r?.unproven);
          ctx.report({
            object: route,
            path: ref.path,
            severity: unproven ? 'note' : 'warning',
            message: unproven
              ? `${route.kind} ${route.name} attaches to ${gw.kind} ${gw.name}, whose listener ${listeners[0]?.name} ${reasons.find((r) => r?.unproven)?.reason}; the input cannot show whether the route is accepted.`
              : `${route.kind} ${route.name} attaches to ${gw.kind} ${gw.name}, but its listener ${listeners[0]?.name} ${reasons[0]?.reason}; the route is not accepted (NotAllowedByListeners).`,
            related: [
              {
                object: gw,
                path: ['spec', 'listeners', listeners[0]?.index ?? 0],
                message: `listener of ${gw.id}`,
              },
            ],
          });
          continue;
        }
        // Hostname intersection, among the listeners that admit the route or may (an unproven refusal):
        // when each of them has a hostname none of the route's hostnames intersects, no listener
        // accepts it (Accepted=False, NoMatchingListenerHostname).
        if (!HOSTNAME_KINDS.includes(route.kind)) continue;
        const hostnames = asArray(asRecord(route.raw['spec'])?.['hostnames']).flatMap((h) =>
          typeof h === 'string' ? [h] : [],
        );
        const candidates = listeners.filter((_, i) => reasons[i] === undefined || reasons[i]?.unproven);
        if (candidates.some((l) => routeMatchesListenerHostname(hostnames, listenerHostname(l)))) continue;
        // The listeners' hostnames are in the message, so a placeholder there drops the finding as
        // one in the route's hostnames does (the engine's placeholder rule).
        const names = candidates.map((l) => `${l.name} (${listenerHostname(l) ?? ''})`).join(', ');
        const first = candidates[0];
        ctx.report({
          object: route,
          path: ['spec', 'hostnames'],
          severity: 'error',
          message:
            `${route.kind} ${route.name} has hostnames ${hostnames.join(', ')}, none of which matches the hostname of ` +
            `${gw.kind} ${gw.name}'s listener${candidates.length > 1 ? 's' : ''} ${names}; ` +
            'the route is not accepted (NoMatchingListenerHostname).',
          related: first
            ? [
                {
                  object: gw,
                  path: ['spec', 'listeners', first.index, 'hostname'],
                  message: `listener hostname of ${gw.id}`,
                },
              ]
            : [],
        });
      }
    }
  },
};
