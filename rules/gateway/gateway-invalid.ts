import type { Rule } from '../../src/engine/types';
import { GATEWAY_GROUP, listenerOwners, listenersOf, routesOf, type Listener } from '../../src/model/gateway';
import type { KObject } from '../../src/model/object';
import type { FieldPath } from '../../src/load/types';
import { asArray, asRecord, asString, isRecord } from '../../src/util/values';

// The CEL validation rules of Gateway API's CRDs (x-kubernetes-validations, generated from the
// kubebuilder markers on GatewaySpec.Listeners, ListenerTLSConfig and CommonRouteSpec.ParentRefs in
// apis/v1/gateway_types.go and shared_types.go). The API server refuses an object that breaks one,
// with the rule's message; offline schema validators do not evaluate CEL, so these pass them.

/** Core protocols are matched case-insensitively by the CEL rules (`matches('(?i)^…$')`). */
const isProtocol = (l: Listener, ...names: string[]): boolean => names.includes(l.protocol.toUpperCase());

interface Violation {
  path: FieldPath;
  message: string;
}

function listenerViolations(owner: KObject): Violation[] {
  const out: Violation[] = [];
  const listenerSet = owner.kind !== 'Gateway';
  const listeners = listenersOf(owner);
  const at = (l: Listener, ...rest: (string | number)[]): FieldPath => [
    'spec',
    'listeners',
    l.index,
    ...rest,
  ];
  for (const l of listeners) {
    const tls = l.raw['tls'];
    const tlsRec = asRecord(tls);
    const mode = asString(tlsRec?.['mode']);
    if (isProtocol(l, 'HTTP', 'TCP', 'UDP') && tls !== undefined)
      out.push({
        path: at(l, 'tls'),
        message: "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
      });
    if (isProtocol(l, 'HTTPS') && tlsRec && mode !== undefined && mode !== '' && mode !== 'Terminate')
      out.push({ path: at(l, 'tls', 'mode'), message: 'tls mode must be Terminate for protocol HTTPS' });
    // tls.mode defaults to Terminate once tls is given, so only a TLS listener without tls breaks this.
    if (isProtocol(l, 'TLS') && (tls === undefined || mode === ''))
      out.push({ path: at(l, 'protocol'), message: 'tls mode must be set for protocol TLS' });
    const hostname = asString(l.raw['hostname']);
    if (isProtocol(l, 'TCP', 'UDP') && hostname !== undefined && hostname !== '')
      out.push({
        path: at(l, 'hostname'),
        message: "hostname must not be specified for protocols ['TCP', 'UDP']",
      });
    // ListenerTLSConfig: mode defaults to Terminate, which needs a certificate (or implementation options).
    if (
      tlsRec &&
      (mode ?? 'Terminate') === 'Terminate' &&
      asArray(tlsRec['certificateRefs']).length === 0 &&
      Object.keys(asRecord(tlsRec['options']) ?? {}).length === 0 &&
      !isProtocol(l, 'HTTP', 'TCP', 'UDP')
    )
      out.push({
        path: at(l, 'tls'),
        message: 'certificateRefs or options must be specified when mode is Terminate',
      });
  }
  // "self.all(l1, self.exists_one(l2, …))": a name, or a port+protocol+hostname, used twice.
  const seenNames = new Set<string>();
  const seenKeys = new Set<string>();
  for (const l of listeners) {
    const name = asString(l.raw['name']);
    if (name !== undefined) {
      if (seenNames.has(name))
        out.push({ path: at(l, 'name'), message: 'Listener name must be unique within the Gateway' });
      seenNames.add(name);
    }
    // The Gateway CRD compares the protocol as written, the ListenerSet CRD case-insensitively (and
    // skips listeners without port); an absent hostname equals only an absent one.
    const protocol = asString(l.raw['protocol']);
    if (listenerSet && l.port === undefined) continue;
    const key = JSON.stringify([
      l.port,
      listenerSet ? protocol?.toLowerCase() : protocol,
      asString(l.raw['hostname']) ?? null,
    ]);
    if (seenKeys.has(key))
      out.push({
        path: at(l),
        message: 'Combination of port, protocol and hostname must be unique for each listener',
      });
    seenKeys.add(key);
  }
  return out;
}

/**
 * CommonRouteSpec.ParentRefs: references to one parent (group, kind, name and namespace as written,
 * an absent namespace equal only to an absent one) must all have distinct sectionNames, or none.
 * The experimental channel adds `port` to the key, so refs that give a port are left alone.
 */
function parentRefViolations(route: KObject): Violation[] {
  const out: Violation[] = [];
  const refs = asArray(asRecord(route.raw['spec'])?.['parentRefs']).flatMap((r, i) =>
    isRecord(r) && asString(r['name']) && r['port'] === undefined
      ? [
          {
            i,
            parent: JSON.stringify([
              asString(r['group']) ?? GATEWAY_GROUP,
              asString(r['kind']) ?? 'Gateway',
              asString(r['name']),
              asString(r['namespace']) ?? '',
            ]),
            section: asString(r['sectionName']) ?? '',
          },
        ]
      : [],
  );
  for (const [j, b] of refs.entries()) {
    const earlier = refs.slice(0, j).filter((a) => a.parent === b.parent);
    if (earlier.some((a) => (a.section === '') !== (b.section === '')))
      out.push({
        path: ['spec', 'parentRefs', b.i],
        message:
          'sectionName must be specified when parentRefs includes 2 or more references to the same parent',
      });
    else if (earlier.some((a) => a.section === b.section))
      out.push({
        path: ['spec', 'parentRefs', b.i],
        message:
          'sectionName must be unique when parentRefs includes 2 or more references to the same parent',
      });
  }
  return out;
}

export const gatewayInvalid: Rule = {
  meta: {
    id: 'gateway-invalid',
    description: 'Gateway or route the API server rejects (Gateway API CEL validation)',
    details:
      "Reports what the validation rules of Gateway API's CRDs refuse, with the CRD's own message: in a Gateway's " +
      "or ListenerSet's listeners, tls on an HTTP, " +
      'TCP or UDP listener, a TLS mode other than Terminate on HTTPS, a TLS listener without tls.mode, a hostname ' +
      'on a TCP or UDP listener, a Terminate listener without certificateRefs (or options), two listeners with one ' +
      'name or one port, protocol and hostname, and route parentRefs that reference one parent twice without ' +
      'distinct sectionNames.',
    severity: 'error',
    tags: ['gateway-api'],
    docs: {
      why:
        'Gateway API CRDs carry CEL validation rules that the API server evaluates on create and update. Offline ' +
        'schema validators (kubeconform, kubeval) do not evaluate CEL, so the manifest passes CI and then kubectl ' +
        'apply or the GitOps sync fails.',
      symptoms: [
        "The Gateway \"gw\" is invalid: spec.listeners: Invalid value: \"array\": tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
        'Listener name must be unique within the Gateway',
        'Combination of port, protocol and hostname must be unique for each listener',
        'certificateRefs or options must be specified when mode is Terminate',
        'sectionName must be specified when parentRefs includes 2 or more references to the same parent',
      ],
      fix: 'Remove tls from plain HTTP/TCP/UDP listeners, give each listener a unique name and port/protocol/hostname, give Terminate listeners a certificate, and distinguish parentRefs to one Gateway by sectionName.',
      example: {
        bad: 'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  gatewayClassName: example\n  listeners:\n  - name: web\n    port: 80\n    protocol: HTTP\n    tls: {certificateRefs: [{name: web-cert}]}\n',
        good: 'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  gatewayClassName: example\n  listeners:\n  - name: web\n    port: 443\n    protocol: HTTPS\n    tls: {certificateRefs: [{name: web-cert}]}\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    // ListenerSetSpec.Listeners carries the same rules (apis/v1/listenerset_types.go).
    for (const owner of listenerOwners(model)) {
      for (const v of listenerViolations(owner))
        ctx.report({
          object: owner,
          path: v.path,
          message: `${owner.kind} ${owner.name}: the API server rejects it: "${v.message}".`,
        });
    }
    for (const route of routesOf(model)) {
      for (const v of parentRefViolations(route))
        ctx.report({
          object: route,
          path: v.path,
          message: `${route.kind} ${route.name}: the API server rejects it: "${v.message}".`,
        });
    }
  },
};
