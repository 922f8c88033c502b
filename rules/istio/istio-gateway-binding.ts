import type { Rule } from '../../src/engine/types';
import { clusterDomain, hostsOverlap, resolveHost } from '../../src/istio/hosts';
import {
  gatewayRefs,
  gatewayServers,
  ISTIO_NETWORKING,
  virtualServices,
  vsHosts,
  type NamespacedObject,
} from '../../src/istio/resources';
import { isPlaceholderHost } from './destinations';

/**
 * A Gateway server host, `[namespace/]dnsName`: the namespaces whose VirtualServices may bind
 * (`*` any, `.` the Gateway's own; none written means `*`) and the name (Istio API reference,
 * Server.hosts).
 */
function serverHost(raw: string, gw: NamespacedObject): { namespace: string; host: string } {
  const slash = raw.indexOf('/');
  if (slash < 0) return { namespace: '*', host: raw.toLowerCase() };
  const ns = raw.slice(0, slash);
  return { namespace: ns === '.' ? gw.namespace : ns, host: raw.slice(slash + 1).toLowerCase() };
}

export const istioGatewayMissing: Rule = {
  meta: {
    id: 'istio-gateway-missing',
    description: 'Istio VirtualService names a Gateway that does not exist',
    details:
      'Reports a name in VirtualService.gateways (`<namespace>/<name>`, or a name in the VirtualService namespace; `mesh` ' +
      'is the sidecars) that is not an Istio Gateway in the input, with the closed-world levels of route-parent-missing ' +
      '(an error only for a likely typo among Gateways near the VirtualService).',
    severity: 'error',
    tags: ['istio', 'gateway'],
    docs: {
      why: 'A VirtualService bound to a Gateway that does not exist configures no gateway: requests through the ingress get 404 NR.',
      symptoms: ['404 NR', 'istioctl analyze: IST0101 ReferencedResourceNotFound'],
      fix: 'Name the Gateway as `<namespace>/<name>` when it lives in another namespace, or fix the name.',
      example: {
        bad:
          'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: web-gateway}\nspec:\n  selector: {istio: ingressgateway}\n  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["*"]}]\n---\n' +
          'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web}\nspec:\n  hosts: ["*"]\n  gateways: [web-gatewy]\n  http:\n  - route: [{destination: {host: web}}]\n',
        good:
          'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: web-gateway}\nspec:\n  selector: {istio: ingressgateway}\n  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["*"]}]\n---\n' +
          'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web}\nspec:\n  hosts: ["*"]\n  gateways: [web-gateway]\n  http:\n  - route: [{destination: {host: web}}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    for (const vs of virtualServices(model)) {
      for (const ref of gatewayRefs(vs)) {
        if (isPlaceholderHost(ref.name) || isPlaceholderHost(ref.namespace)) continue;
        if (model.getNearest(ISTIO_NETWORKING, 'Gateway', ref.namespace, ref.name, vs)) continue;
        // A VirtualService whose namespace the input does not fix lands wherever the deploy puts it,
        // often beside its Gateway: a Gateway of that name in any namespace may be the one.
        if (
          ref.bare &&
          vs.defaultedNamespace &&
          model.ofKind(ISTIO_NETWORKING, 'Gateway').some((g) => g.name === ref.name)
        )
          continue;
        const verdict = model.judgeMissing(
          { group: ISTIO_NETWORKING, kind: 'Gateway', namespace: ref.namespace, name: ref.name },
          vs,
        );
        ctx.report({
          object: vs,
          path: ['spec', 'gateways', ref.index],
          severity: verdict.level,
          message:
            `VirtualService ${vs.name} binds to Gateway '${ref.namespace}/${ref.name}', which is not in the input` +
            (verdict.level === 'error' ? ': the VirtualService configures no gateway.' : '.') +
            verdict.reason,
        });
      }
    }
  },
};

export const istioGatewayHostMismatch: Rule = {
  meta: {
    id: 'istio-gateway-host-mismatch',
    description: 'Istio VirtualService is bound to a Gateway that serves none of its hosts',
    details:
      "Reports a VirtualService bound to a Gateway in the input none of whose servers' hosts (`[namespace/]dnsName`, " +
      'wildcards allowed) covers one of the VirtualService hosts for its namespace. Istio ignores the binding, so the ' +
      'gateway has no route for those hosts.',
    severity: 'error',
    tags: ['istio', 'gateway'],
    docs: {
      why:
        "A Gateway only accepts VirtualServices whose hosts match a server's hosts, and only from the namespaces the " +
        'server host allows (`./`, `<ns>/`). Otherwise the binding is silently dropped and requests at the gateway get 404 NR.',
      symptoms: ['404 NR', 'istioctl analyze: IST0132 VirtualServiceHostNotFoundInGateway'],
      fix: "Add the host to the Gateway server's hosts (with the VirtualService namespace allowed), or fix the VirtualService hosts.",
      example: {
        bad:
          'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: web-gateway}\nspec:\n  selector: {istio: ingressgateway}\n  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: [shop.example.com]}]\n---\n' +
          'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web}\nspec:\n  hosts: [www.example.com]\n  gateways: [web-gateway]\n  http:\n  - route: [{destination: {host: web}}]\n',
        good:
          'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: web-gateway}\nspec:\n  selector: {istio: ingressgateway}\n  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: [shop.example.com, www.example.com]}]\n---\n' +
          'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web}\nspec:\n  hosts: [www.example.com]\n  gateways: [web-gateway]\n  http:\n  - route: [{destination: {host: web}}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const domain = clusterDomain(model, ctx.cluster);
    for (const vs of virtualServices(model)) {
      const hosts = vsHosts(vs).map((h) => resolveHost(h, vs.namespace, domain));
      if (hosts.length === 0 || hosts.some(isPlaceholderHost)) continue;
      for (const ref of gatewayRefs(vs)) {
        const found = model.getNearest(ISTIO_NETWORKING, 'Gateway', ref.namespace, ref.name, vs);
        if (!found || found.namespace === undefined) continue;
        const gw = found as NamespacedObject;
        const servers = gatewayServers(gw);
        const serverHosts = servers.flatMap((s) => s.hosts.map((h) => serverHost(h, gw)));
        if (serverHosts.length === 0 || serverHosts.some((s) => isPlaceholderHost(s.host))) continue;
        const admits = serverHosts.some(
          (s) =>
            (s.namespace === '*' || s.namespace === vs.namespace) &&
            hosts.some((h) => hostsOverlap(h, s.host)),
        );
        if (admits) continue;
        const list = servers.flatMap((s) => s.hosts).slice(0, 6);
        ctx.report({
          object: vs,
          path: ['spec', 'gateways', ref.index],
          message:
            `VirtualService ${vs.name} (hosts ${vsHosts(vs).join(', ')}) is bound to Gateway ${gw.id}, whose servers (hosts ` +
            `${list.join(', ')}) admit none of them from namespace '${vs.namespace}': Istio drops the binding and the gateway answers 404.`,
          related: [{ object: gw, path: ['spec', 'servers'], message: `servers of ${gw.id}` }],
        });
      }
    }
  },
};
