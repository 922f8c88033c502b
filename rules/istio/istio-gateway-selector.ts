import { podOwners } from '../../src/engine/related';
import type { Rule, Severity } from '../../src/engine/types';
import { gatewayPods, gatewaySelector, looksLikeGatewayPod } from '../../src/istio/gateway-pods';
import { gatewayServers, ISTIO_NETWORKING, istioObjects } from '../../src/istio/resources';
import { formatSelector, requirementMatches, type Requirement, type Selector } from '../../src/model/labels';
import type { PodTemplate } from '../../src/model/pods';
import { isNear } from '../../src/model/proximity';
import { podPortFor, serviceSelector, servicePorts } from '../../src/model/service-ports';
import { selectorMatches } from '../../src/model/labels';
import { looksLikeTypo } from '../../src/util/similar';

/** The gateway kinds of the charts are distinct words, not typos of each other. */
const GATEWAY_WORDS = /^(ingress|egress|eastwest)-?gateway$/;

function valueTypo(want: string, have: string): boolean {
  if (GATEWAY_WORDS.test(want.toLowerCase()) && GATEWAY_WORDS.test(have.toLowerCase())) return false;
  return looksLikeTypo(want, have);
}

/** A near miss: the pod matches every requirement but one, and has a mistyped value for that one. */
function nearMiss(sel: Selector, pod: PodTemplate): { req: Requirement; have: string } | undefined {
  const missed = sel.requirements.filter((r) => !requirementMatches(r, pod.labels));
  const req = missed[0];
  if (missed.length !== 1 || !req || req.operator !== 'In') return undefined;
  const have = pod.labels.get(req.key);
  if (typeof have !== 'string') return undefined;
  return req.values.some((w) => valueTypo(w, have)) ? { req, have } : undefined;
}

export const istioGatewaySelector: Rule = {
  meta: {
    id: 'istio-gateway-selector',
    description: 'Istio Gateway selects no gateway pod, or serves a port no Service exposes',
    details:
      'Reports an Istio Gateway whose `selector` matches no pod of the input in any namespace: an error when a pod of the ' +
      'input near it matches all of it but one mistyped value (`istio: ingresgateway`), a note when such a pod is far or when the input holds other gateway ' +
      'pods near the Gateway (proxyv2 image or gateway labels), nothing otherwise (the gateway is usually installed by ' +
      'istioctl or Helm, outside the input). For matched pods, reports a server port that is neither a port nor a target ' +
      'port of a Service of those pods, when such Services are in the input (an error when they are near the Gateway).',
    severity: 'error',
    tags: ['istio', 'gateway', 'selector'],
    docs: {
      why:
        'A Gateway programs only the Envoy pods its selector matches. Matching none, its servers exist nowhere: every host ' +
        'of the VirtualServices bound to it is unreachable from outside. A server port that no Service of the gateway pods ' +
        'exposes (port or targetPort) opens a listener that no client can reach through the load balancer.',
      symptoms: [
        'curl: (7) Failed to connect / connection refused on the ingress gateway address',
        'istioctl analyze: IST0101 ReferencedResourceNotFound (selector) or IST0162 GatewayPortNotDefinedOnService',
        'istioctl proxy-config listeners shows no listener for the Gateway port',
      ],
      fix: "Copy the selector from the gateway pods' template labels (istio: ingressgateway for the default install), and use a Service port or target port of the gateway as server port.",
      example: {
        bad:
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: istio-ingressgateway, namespace: istio-system}\nspec:\n  selector: {matchLabels: {istio: ingressgateway}}\n  template:\n    metadata: {labels: {istio: ingressgateway}}\n    spec: {containers: [{name: istio-proxy, image: docker.io/istio/proxyv2:1.22.0}]}\n---\n' +
          'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: shop}\nspec:\n  selector: {istio: ingresgateway}\n  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["*"]}]\n',
        good: 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: shop}\nspec:\n  selector: {istio: ingressgateway}\n  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["*"]}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const inputPods = model.pods.filter((p) => p.origin === 'workload' || p.origin === 'operator');
    const gatewayLooking = inputPods.filter(looksLikeGatewayPod);
    // Pods one label off a selector, found once per selector: Gateways alike (copies, overlays)
    // share the scan of every pod.
    const missesBySelector = new Map<
      string,
      { pod: PodTemplate; miss: { req: Requirement; have: string } }[]
    >();
    const missesOf = (sel: Selector) => {
      const key = JSON.stringify(sel.requirements);
      let misses = missesBySelector.get(key);
      if (!misses) {
        misses = inputPods.flatMap((pod) => {
          const miss = nearMiss(sel, pod);
          return miss ? [{ pod, miss }] : [];
        });
        missesBySelector.set(key, misses);
      }
      return misses;
    };
    for (const gw of istioObjects(model, ISTIO_NETWORKING, 'Gateway')) {
      const sel = gatewaySelector(gw);
      if (!sel) continue;
      const pods = gatewayPods(model, gw);
      if (pods.length === 0) {
        // A near miss proves a typo only next to the Gateway; a far gateway pod (another install of
        // the repository) is named in a note.
        const candidates = missesOf(sel).filter((c) => isNear(c.pod.owner, gw) || looksLikeGatewayPod(c.pod));
        const typo = candidates.find((c) => isNear(c.pod.owner, gw)) ?? candidates[0];
        const others = gatewayLooking.filter((p) => isNear(p.owner, gw));
        if (!typo?.miss && others.length === 0) continue;
        const severity: Severity | undefined = typo?.miss && isNear(typo.pod.owner, gw) ? undefined : 'note';
        const names = [...new Set(others.map((p) => p.owner.id))].slice(0, 3).join(', ');
        ctx.report({
          object: gw,
          path: ['spec', 'selector'],
          ...(severity ? { severity } : {}),
          message:
            `Gateway ${gw.name} selects ${formatSelector(sel)}, which no pod of the input has` +
            (typo?.miss
              ? `; ${typo.pod.owner.kind} ${typo.pod.owner.name} has ${typo.miss.req.key}=${typo.miss.have}. ` +
                'No gateway pod gets its servers: its hosts are unreachable.'
              : ` (gateway pods of the input: ${names}). If the gateway is installed elsewhere (istioctl, Helm), lint with it; ` +
                'otherwise no gateway pod gets its servers.'),
          related: typo?.miss
            ? podOwners([typo.pod], (p) => `closest match: pod labels of ${p.owner.id}`)
            : podOwners(others, (p) => `gateway pods of ${p.owner.id}`, 3),
        });
        continue;
      }
      // The Services of the gateway pods, in the pods' namespaces.
      const services = model.ofKind('', 'Service').filter((svc) => {
        const s = serviceSelector(svc);
        return (
          s !== undefined && pods.some((p) => p.namespace === svc.namespace && selectorMatches(s, p.labels))
        );
      });
      if (services.length === 0) continue;
      // Istio listens on the server port; a server port equal to a Service port is mapped to its target
      // port (the Helm chart's 80 → 8080), so either number reaches the listener.
      const reachable = new Set<number>();
      for (const svc of services)
        for (const sp of servicePorts(svc)) {
          if (sp.port !== undefined) reachable.add(sp.port);
          for (const pod of pods) {
            const n = podPortFor(sp, pod);
            if (n !== undefined) reachable.add(n);
          }
        }
      const near = services.some((s) => isNear(s, gw));
      for (const server of gatewayServers(gw)) {
        if (server.port === undefined || reachable.has(server.port)) continue;
        ctx.report({
          object: gw,
          path: ['spec', 'servers', server.index, 'port', 'number'],
          ...(near ? {} : { severity: 'warning' as const }),
          message:
            `Gateway ${gw.name} serves port ${server.port}, which is neither a port nor a target port of ` +
            `${services
              .map((s) => s.id)
              .slice(0, 3)
              .join(', ')} (${[...reachable].sort((a, b) => a - b).join(', ')}): ` +
            'the listener exists, but no client reaches it through the gateway Service.',
          related: services
            .slice(0, 3)
            .map((s) => ({ object: s, path: ['spec', 'ports'], message: `ports of ${s.id}` })),
        });
      }
    }
  },
};
