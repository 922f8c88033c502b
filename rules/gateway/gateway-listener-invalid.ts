import type { Rule } from '../../src/engine/types';
import {
  GATEWAY_GROUP,
  listenerOwners,
  listenerSetParent,
  listenerSetsOf,
  listenersOf,
  ROUTE_KINDS,
  type Listener,
} from '../../src/model/gateway';
import { parseLabelSelector, plainLabels, selectorMatches } from '../../src/model/labels';
import type { Model } from '../../src/model/model';
import type { KObject } from '../../src/model/object';
import { asArray, asRecord, asString, isRecord } from '../../src/util/values';

// What a controller decides about a listener the API server accepted (apis/v1/gateway_types.go):
// ProtocolType "Un-prefixed names are reserved for core protocols" and an unsupported protocol gets
// Accepted=False, UnsupportedProtocol; allowedRoutes.kinds a listener cannot serve get
// ResolvedRefs=False, InvalidRouteKinds; and "all the Listeners that share a port with the TCP
// Listener are not distinct and so MUST NOT be accepted" (Conflicted=True, ProtocolConflict).

const CORE_PROTOCOLS = ['HTTP', 'HTTPS', 'TLS', 'TCP', 'UDP'];

/** The route kinds each core protocol can serve (the spec's compatible kinds). */
const COMPATIBLE: Record<string, readonly string[]> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
  TLS: ['TLSRoute'],
  TCP: ['TCPRoute'],
  UDP: ['UDPRoute'],
};

interface KindProblem {
  index: number;
  text: string;
}

function kindProblems(l: Listener, protocol: string): { problems: KindProblem[]; total: number } {
  const kinds = asArray(asRecord(l.raw['allowedRoutes'])?.['kinds']);
  const mode = asString(asRecord(l.raw['tls'])?.['mode']) ?? 'Terminate';
  const problems: KindProblem[] = [];
  kinds.forEach((k, index) => {
    if (!isRecord(k)) return;
    const kind = asString(k['kind']);
    if (!kind) return;
    // RouteGroupKind.group defaults to gateway.networking.k8s.io.
    const group = asString(k['group']) ?? GATEWAY_GROUP;
    if (group !== GATEWAY_GROUP) {
      // Other groups may hold an implementation's own route kinds; the Gateway API kinds are not there.
      if (ROUTE_KINDS.includes(kind))
        problems.push({
          index,
          text: `${kind} is a kind of group ${GATEWAY_GROUP}, not '${group || '(core)'}'`,
        });
      return;
    }
    if (!ROUTE_KINDS.includes(kind)) {
      problems.push({ index, text: `${GATEWAY_GROUP} has no route kind '${kind}'` });
      return;
    }
    const compatible = COMPATIBLE[protocol];
    // A TCPRoute on a TLS listener that terminates TLS is accepted by common implementations (Envoy
    // Gateway, NGINX Gateway Fabric): not provable either way.
    if (!compatible || compatible.includes(kind)) return;
    if (protocol === 'TLS' && mode === 'Terminate' && kind === 'TCPRoute') return;
    problems.push({
      index,
      text: `${protocol.startsWith('HTTP') ? 'an' : 'a'} ${protocol}${protocol === 'TLS' ? ` (${mode})` : ''} listener serves ${compatible.join(', ')}, not ${kind}`,
    });
  });
  return { problems, total: kinds.filter(isRecord).length };
}

type Report = Parameters<Rule['check']>[0]['report'];

function check(owner: KObject, report: Report): void {
  const listeners = listenersOf(owner);
  for (const l of listeners) {
    const raw = asString(l.raw['protocol']);
    if (raw === undefined) continue;
    const protocol = raw.toUpperCase();
    if (!CORE_PROTOCOLS.includes(protocol)) {
      if (!raw.includes('/'))
        report({
          object: owner,
          path: ['spec', 'listeners', l.index, 'protocol'],
          message:
            `${owner.kind} ${owner.name} listener ${l.name}: protocol '${raw}' is neither a core protocol ` +
            `(${CORE_PROTOCOLS.join(', ')}) nor a domain-prefixed one (example.com/proto); un-prefixed names are reserved ` +
            'for core protocols, so the listener is not accepted (Accepted=False, UnsupportedProtocol).',
        });
      continue;
    }
    // "This field is required if the Protocol field is HTTPS or TLS" (Listener.TLS); the CRD checks
    // it for TLS only (gateway-invalid), so an HTTPS listener without tls reaches the controller,
    // which has no certificate to terminate with.
    if (protocol === 'HTTPS' && l.raw['tls'] === undefined)
      report({
        object: owner,
        path: ['spec', 'listeners', l.index, 'protocol'],
        message:
          `${owner.kind} ${owner.name} listener ${l.name}: an HTTPS listener needs tls (certificateRefs to terminate ` +
          'TLS with); without it the listener is invalid and serves nothing (Programmed=False, Invalid).',
      });
    const { problems, total } = kindProblems(l, protocol);
    for (const p of problems)
      report({
        object: owner,
        path: ['spec', 'listeners', l.index, 'allowedRoutes', 'kinds', p.index],
        ...(problems.length < total ? { severity: 'warning' as const } : {}),
        message:
          `${owner.kind} ${owner.name} listener ${l.name}: allowedRoutes.kinds is invalid: ${p.text} ` +
          `(ResolvedRefs=False, InvalidRouteKinds)` +
          (problems.length < total
            ? '; the other kinds still attach.'
            : '; no route attaches to this listener.'),
      });
    // TCP shares no port with HTTP, HTTPS or TLS (a UDP listener may share it: another transport).
    if (protocol === 'TCP' && l.port !== undefined) {
      const others = listeners.filter(
        (o) => o !== l && o.port === l.port && ['HTTP', 'HTTPS', 'TLS'].includes(o.protocol.toUpperCase()),
      );
      if (others.length)
        report({
          object: owner,
          path: ['spec', 'listeners', l.index, 'port'],
          message:
            `${owner.kind} ${owner.name} listener ${l.name} (TCP) shares port ${l.port} with ` +
            `${others.map((o) => `${o.name} (${o.protocol})`).join(', ')}: listeners sharing a port with a TCP listener are ` +
            'not distinct and none of them is accepted (Conflicted=True, ProtocolConflict).',
        });
    }
  }
}

/**
 * Whether a ListenerSet's parent Gateway admits it: GatewaySpec.allowedListeners.namespaces.from
 * is None by default ("The default value is to allow no ListenerSets"), Same, All or Selector. A
 * parent not in the input is judged like a route's missing Gateway (closed-world.ts).
 */
function checkListenerSet(model: Model, ls: KObject, report: Report): void {
  const parent = listenerSetParent(ls);
  if (!parent || parent.group !== GATEWAY_GROUP || parent.kind !== 'Gateway') return;
  const gw = model.getNearest(GATEWAY_GROUP, 'Gateway', parent.namespace, parent.name, ls);
  const path = ['spec', 'parentRef'];
  if (!gw) {
    const verdict = model.judgeMissing({ ...parent }, ls);
    report({
      object: ls,
      path,
      severity: verdict.level,
      message:
        `${ls.kind} ${ls.name} attaches to Gateway ${parent.namespace}/${parent.name}, which is not in the input; ` +
        (verdict.level === 'error'
          ? 'its listeners are not attached.'
          : 'cannot check that it admits the ListenerSet.') +
        (verdict.level === 'note' ? '' : verdict.reason),
    });
    return;
  }
  const ns = asRecord(asRecord(asRecord(gw.raw['spec'])?.['allowedListeners'])?.['namespaces']) ?? {};
  const from = asString(ns['from']) ?? 'None';
  const lsNs = ls.namespace as string;
  let reason: string | undefined;
  let unproven = false;
  if (from === 'None') reason = 'admits no ListenerSets (allowedListeners unset or from: None)';
  else if (from === 'Same' && lsNs !== gw.namespace)
    reason = `admits ListenerSets from its own namespace '${gw.namespace}' only`;
  else if (from === 'Selector') {
    if (!selectorMatches(parseLabelSelector(ns['selector']), plainLabels(model.namespaceLabels(lsNs)))) {
      unproven = model.namespaces.get(lsNs)?.object === undefined;
      reason = unproven
        ? `admits ListenerSets from namespaces matching its selector, and the input does not define Namespace '${lsNs}' (its labels are unknown)`
        : `admits ListenerSets from namespaces matching its selector only, and '${lsNs}' does not match`;
    }
  }
  if (!reason) {
    checkAgainstParent(ls, gw, report);
    return;
  }
  report({
    object: ls,
    path,
    ...(unproven ? { severity: 'note' as const } : {}),
    message:
      `${ls.kind} ${ls.name} attaches to Gateway ${gw.name}, which ${reason}; ` +
      (unproven
        ? 'the input cannot show whether it is accepted.'
        : 'the ListenerSet is not accepted (Accepted=False, NotAllowed) and routes attached to it serve nothing.'),
    related: [{ object: gw, path: ['spec'], message: `parent ${gw.id}` }],
  });
}

/**
 * A ListenerSet's listeners are merged with its Gateway's, and the Gateway's own listeners take
 * precedence (GEP-1713): a ListenerSet listener on the port, protocol and hostname of a Gateway
 * listener is Conflicted (HostnameConflict), and one that shares a port across TCP and HTTP, HTTPS
 * or TLS is Conflicted (ProtocolConflict) as within one Gateway.
 */
function checkAgainstParent(ls: KObject, gw: KObject, report: Report): void {
  const webLike = (p: string): boolean => ['HTTP', 'HTTPS', 'TLS'].includes(p);
  for (const l of listenersOf(ls)) {
    if (l.port === undefined) continue;
    const protocol = l.protocol.toUpperCase();
    const hostname = asString(l.raw['hostname']) ?? '';
    for (const g of listenersOf(gw)) {
      if (g.port !== l.port) continue;
      const gp = g.protocol.toUpperCase();
      const same = gp === protocol && (asString(g.raw['hostname']) ?? '') === hostname;
      const clash = (gp === 'TCP' && webLike(protocol)) || (protocol === 'TCP' && webLike(gp));
      if (!same && !clash) continue;
      report({
        object: ls,
        path: ['spec', 'listeners', l.index],
        message:
          `${ls.kind} ${ls.name} listener ${l.name} (${l.port}/${l.protocol}${hostname ? ` ${hostname}` : ''}) ` +
          `conflicts with listener ${g.name} (${g.port}/${g.protocol}) of its Gateway ${gw.name}, which takes ` +
          `precedence: the ListenerSet listener is not accepted (Conflicted=True, ${same ? 'HostnameConflict' : 'ProtocolConflict'}).`,
        related: [
          { object: gw, path: ['spec', 'listeners', g.index], message: `listener ${g.name} of ${gw.id}` },
        ],
      });
      break;
    }
  }
}

export const gatewayListenerInvalid: Rule = {
  meta: {
    id: 'gateway-listener-invalid',
    description: 'Gateway listener a controller does not accept',
    details:
      'Reports a Gateway or ListenerSet listener with an un-prefixed protocol that is not a core one ' +
      '(UnsupportedProtocol), an HTTPS listener without tls, allowedRoutes.kinds naming a kind its protocol cannot serve or a Gateway API kind ' +
      'in another group (InvalidRouteKinds; a warning when other kinds of the list are valid), and a TCP listener ' +
      'sharing a port with an HTTP, HTTPS or TLS listener (ProtocolConflict); and a ListenerSet whose parent ' +
      "Gateway's allowedListeners (default: none) does not admit it (NotAllowed), a ListenerSet listener that " +
      "conflicts with one of its Gateway's (HostnameConflict, ProtocolConflict), or whose parent Gateway is not " +
      'in the input (a note unless a Gateway a typo away is near).',
    severity: 'error',
    tags: ['gateway-api'],
    docs: {
      why:
        'The API server accepts these listeners; the controller then refuses them and reports it only in the ' +
        "Gateway's status, so routes attached to them serve nothing.",
      symptoms: [
        'Accepted False: UnsupportedProtocol',
        'ResolvedRefs False: InvalidRouteKinds',
        'Conflicted True: ProtocolConflict',
        'Accepted False: NotAllowedByListeners',
      ],
      fix: 'Use a core protocol (HTTP, HTTPS, TLS, TCP, UDP) or a domain-prefixed one, list only route kinds the protocol serves (HTTPRoute and GRPCRoute on HTTP/HTTPS, TLSRoute on TLS, TCPRoute on TCP, UDPRoute on UDP), and give TCP listeners a port of their own.',
      example: {
        bad: 'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  gatewayClassName: example\n  listeners:\n  - name: tls\n    port: 443\n    protocol: TLS\n    tls: {mode: Passthrough}\n    allowedRoutes:\n      kinds: [{kind: HTTPRoute}]\n',
        good: 'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  gatewayClassName: example\n  listeners:\n  - name: tls\n    port: 443\n    protocol: TLS\n    tls: {mode: Passthrough}\n    allowedRoutes:\n      kinds: [{kind: TLSRoute}]\n',
      },
    },
  },
  check(ctx) {
    const report: Report = (r) => ctx.report(r);
    for (const owner of listenerOwners(ctx.model)) check(owner, report);
    for (const ls of listenerSetsOf(ctx.model)) checkListenerSet(ctx.model, ls, report);
  },
};
