import type { Rule } from '../../src/engine/types';
import { hostsOverlap } from '../../src/istio/hosts';
import { gatewayServers, ISTIO_NETWORKING, istioObjects, type ServerSpec } from '../../src/istio/resources';
import { isNear } from '../../src/model/proximity';
import { asStringMap, getPath } from '../../src/util/values';

/** The Gateway's selector as a canonical string: Gateways with equal ones program the same pods. */
function selectorKey(raw: Record<string, unknown>): string {
  const sel = asStringMap(getPath(raw, ['spec', 'selector']));
  return JSON.stringify(Object.entries(sel).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The DNS name of a server host, without its `namespace/` part. */
function dnsName(host: string): string {
  const slash = host.indexOf('/');
  return (slash < 0 ? host : host.slice(slash + 1)).toLowerCase();
}

function overlap(a: ServerSpec, b: ServerSpec): string | undefined {
  for (const x of a.hosts)
    for (const y of b.hosts) if (hostsOverlap(dnsName(x), dnsName(y))) return `${dnsName(x)} / ${dnsName(y)}`;
  return undefined;
}

export const istioGatewayConflict: Rule = {
  meta: {
    id: 'istio-gateway-conflict',
    description: 'Two Istio Gateways with the same selector and port serve overlapping hosts',
    details:
      'Reports a server of an Istio Gateway whose selector, port number and hosts overlap a server of another Gateway ' +
      'with the same selector (so the same gateway pods), where both are in one file, or near each other with namespaces ' +
      'the input fixes (alternative samples side by side are not compared).',
    severity: 'error',
    tags: ['istio', 'gateway'],
    docs: {
      why:
        'Both Gateways program the same Envoy listener. For overlapping hosts Istio keeps one server and drops the other ' +
        '(for TLS the certificate of one of them wins), so which VirtualServices and certificates apply depends on creation order.',
      symptoms: ['404 NR', 'wrong TLS certificate served', 'istioctl analyze: IST0145 ConflictingGateways'],
      fix: 'Merge the servers into one Gateway, or give them distinct hosts or ports.',
      example: {
        bad:
          'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: a}\nspec:\n  selector: {istio: ingressgateway}\n  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["*"]}]\n---\n' +
          'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: b}\nspec:\n  selector: {istio: ingressgateway}\n  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: [shop.example.com]}]\n',
        good:
          'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: a}\nspec:\n  selector: {istio: ingressgateway}\n  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: [www.example.com]}]\n---\n' +
          'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: b}\nspec:\n  selector: {istio: ingressgateway}\n  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: [shop.example.com]}]\n',
      },
    },
  },
  check(ctx) {
    const gateways = istioObjects(ctx.model, ISTIO_NETWORKING, 'Gateway');
    for (let i = 0; i < gateways.length; i++) {
      const gw = gateways[i];
      if (!gw) continue;
      // One finding per Gateway: its first server that clashes with an earlier Gateway.
      let reported = false;
      for (let j = 0; j < i && !reported; j++) {
        const other = gateways[j];
        if (!other || other.id === gw.id || selectorKey(other.raw) !== selectorKey(gw.raw)) continue;
        const together =
          other.doc.file.path === gw.doc.file.path ||
          (isNear(other, gw) && !other.defaultedNamespace && !gw.defaultedNamespace);
        if (!together) continue;
        for (const s of gatewayServers(gw)) {
          if (s.port === undefined) continue;
          const clash = gatewayServers(other).find((o) => o.port === s.port && overlap(o, s) !== undefined);
          if (!clash) continue;
          ctx.report({
            object: gw,
            path: ['spec', 'servers', s.index, 'hosts'],
            message:
              `Gateway ${gw.name} serves port ${s.port} for hosts overlapping those of Gateway ${other.id} (${overlap(clash, s) ?? ''}) ` +
              'on the same gateway pods: Istio keeps one of the servers, depending on creation order.',
            related: [
              { object: other, path: ['spec', 'servers', clash.index], message: `server of ${other.id}` },
            ],
          });
          reported = true;
          break;
        }
      }
    }
  },
};
