import type { Rule } from '../../src/engine/types';
import { GATEWAY_GROUP, listenersOf, parentRefs, routesOf, type Listener } from '../../src/model/gateway';
import { parseLabelSelector, plainLabels, selectorMatches } from '../../src/model/labels';
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

function admits(
  model: { namespaceLabels(ns: string): Record<string, string> },
  gw: KObject,
  l: Listener,
  route: KObject,
): string | undefined {
  const allowed = asRecord(l.raw['allowedRoutes']) ?? {};
  const ns = asRecord(allowed['namespaces']) ?? {};
  const from = asString(ns['from']) ?? 'Same';
  if (from === 'Same' && route.namespace !== gw.namespace)
    return `admits routes from its own namespace '${gw.namespace}' only`;
  if (from === 'Selector') {
    const sel = parseLabelSelector(ns['selector']);
    if (!selectorMatches(sel, plainLabels(model.namespaceLabels(route.namespace as string))))
      return `admits routes from namespaces matching its selector only, and '${route.namespace}' does not match`;
  }
  const kinds = asArray(allowed['kinds']).flatMap((k) =>
    isRecord(k) && asString(k['kind']) ? [asString(k['kind']) as string] : [],
  );
  const accepted = kinds.length ? kinds : (DEFAULT_KINDS[l.protocol] ?? []);
  if (accepted.length && !accepted.includes(route.kind))
    return `accepts ${accepted.join(', ')} (protocol ${l.protocol}), not ${route.kind}`;
  return undefined;
}

export const routeParentMissing: Rule = {
  meta: {
    id: 'route-parent-missing',
    description: 'Route attaches to a missing Gateway or listener',
    details:
      'Reports a route parentRef to a Gateway that is not in the input (a note), to a sectionName or port the ' +
      'Gateway has no listener for (an error), and to listeners whose allowedRoutes exclude the route namespace or ' +
      'kind (a warning).',
    severity: 'error',
    tags: ['gateway-api'],
    docs: {
      why: 'A route that does not attach serves nothing: the Gateway reports Accepted=False (NoMatchingParent, NotAllowedByListeners) and traffic gets 404.',
      symptoms: [
        'Accepted False: NoMatchingListenerHostname',
        'Accepted False: NotAllowedByListeners',
        'HTTP 404 from the gateway',
      ],
      fix: "Point parentRefs at an existing Gateway and listener, and allow the route's namespace and kind in the listener's allowedRoutes.",
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
        if (ref.group !== GATEWAY_GROUP || ref.kind !== 'Gateway') continue;
        const gw = model.getNearest(GATEWAY_GROUP, 'Gateway', ref.namespace, ref.name, route);
        if (!gw) {
          ctx.report({
            object: route,
            path: ref.path,
            severity: 'note',
            message: `${route.kind} ${route.name} attaches to Gateway ${ref.namespace}/${ref.name}, which is not in the input; cannot check the listener.`,
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
            message: `${route.kind} ${route.name} attaches to Gateway ${gw.name} ${what}, but the Gateway has listeners ${
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
          ctx.report({
            object: route,
            path: ref.path,
            severity: 'warning',
            message: `${route.kind} ${route.name} attaches to Gateway ${gw.name}, but its listener ${listeners[0]?.name} ${reasons[0]}; the route is not accepted (NotAllowedByListeners).`,
            related: [
              {
                object: gw,
                path: ['spec', 'listeners', listeners[0]?.index ?? 0],
                message: `listener of ${gw.id}`,
              },
            ],
          });
        }
      }
    }
  },
};
