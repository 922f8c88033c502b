import type { Rule } from '../../src/engine/types';
import { podMembership } from '../../src/istio/injection';
import { ISTIO_PROTOCOLS, namePrefix, selectedProtocol } from '../../src/istio/protocol';
import type { KObject } from '../../src/model/object';
import { podPortFor, servicePorts, type ServicePortSpec } from '../../src/model/service-ports';
import { looksLikeTypo } from '../../src/util/similar';
import { asString } from '../../src/util/values';

/**
 * Protocols Envoy handles alike on an inbound port: the HTTP ones, and the TLS ones (a sidecar does
 * not terminate https, so it is tls there). Istio docs, "Protocol Selection".
 */
function family(protocol: string): string {
  if (['http', 'http2', 'grpc', 'grpc-web', 'http_proxy'].includes(protocol)) return 'http';
  if (protocol === 'https') return 'tls';
  return protocol;
}

/** A port name prefix that is not a protocol of Istio but looks like one mistyped (`htttp`, `gprc`). */
function mistypedPrefix(name: string): string | undefined {
  const prefix = namePrefix(name).toLowerCase();
  if ((ISTIO_PROTOCOLS as readonly string[]).includes(prefix)) return undefined;
  return ISTIO_PROTOCOLS.find((p) => p.length >= 4 && looksLikeTypo(p, prefix) && !prefix.startsWith(p));
}

export const istioPortProtocol: Rule = {
  meta: {
    id: 'istio-port-protocol',
    description: 'Istio reads no or a conflicting protocol for a Service port of mesh pods',
    details:
      'For Services whose pods are in the mesh (sidecar or ambient): reports an appProtocol Istio does not know while the ' +
      'port name declares a protocol (appProtocol takes precedence, so the name is ignored and the port is sniffed), a ' +
      'port name whose `<protocol>[-<suffix>]` prefix looks like a mistyped protocol (`htpp-web`), and one pod port that ' +
      'two Services give different protocols (HTTP and TCP, say). Warnings: traffic still flows, but not as declared.',
    severity: 'warning',
    tags: ['istio', 'service', 'protocol'],
    docs: {
      why:
        "Istio picks a port's protocol from appProtocol, else from the port name's prefix (Istio docs, Protocol Selection); an " +
        'unknown value means protocol sniffing, which breaks server-first protocols (MySQL, SMTP) and drops HTTP routing, ' +
        'retries and metrics where sniffing guesses TCP. A pod port can have one inbound protocol only: when two Services ' +
        'declare different ones (Istio docs, Application Requirements), one of them is served with the wrong one.',
      symptoms: [
        'VirtualService HTTP match or retries ignored for the port',
        'server-first protocol connections hang or time out after 5 s through the sidecar',
        'upstream connect error or disconnect/reset before headers',
        'istioctl analyze: IST0118 PortNameIsNotUnderNamingConvention',
      ],
      fix: 'Use a protocol Istio knows in appProtocol (http, http2, grpc, tcp, tls, kubernetes.io/h2c…) or drop it so the name counts; give every Service of a pod port the same protocol.',
      example: {
        bad: 'apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  selector: {app: db}\n  ports:\n  - {name: mysql, port: 3306, appProtocol: mysql.com/classic}\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  selector: {app: db}\n  ports:\n  - {name: mysql, port: 3306}\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    /** Per workload and pod port: the first Service port that gave it a protocol. */
    const seen = new Map<string, { svc: KObject; sp: ServicePortSpec; protocol: string }>();
    for (const svc of model.ofKind('', 'Service')) {
      const pods = model
        .servicePods(svc)
        .filter((p) => p.origin !== 'cluster' && podMembership(model, p) === 'mesh');
      if (pods.length === 0) continue;
      for (const sp of servicePorts(svc)) {
        const selected = selectedProtocol(sp);
        const app = asString(sp.raw['appProtocol']);
        const byName = sp.name ? selectedProtocol({ ...sp, raw: {} }) : undefined;
        if (
          selected.source === 'appProtocol' &&
          selected.unknown &&
          byName?.source === 'name' &&
          !byName.unknown
        ) {
          ctx.report({
            object: svc,
            path: [...sp.path, 'appProtocol'],
            message:
              `Service ${svc.name} port ${sp.name ?? sp.port ?? '?'}: Istio does not know appProtocol '${app ?? ''}', and appProtocol ` +
              `takes precedence over the port name, so the name's '${byName.protocol}' is ignored and the port is ${selected.protocol === 'auto' ? 'sniffed' : selected.protocol}.`,
          });
          continue;
        }
        const typo = !app && sp.name ? mistypedPrefix(sp.name) : undefined;
        if (typo && sp.name) {
          ctx.report({
            object: svc,
            path: [...sp.path, 'name'],
            message:
              `Service ${svc.name} port name '${sp.name}': the prefix '${namePrefix(sp.name)}' is no Istio protocol but looks like '${typo}' ` +
              `mistyped; Istio reads no protocol from it and sniffs the port. Name it '${typo}' or '${typo}-<suffix>'.`,
          });
          continue;
        }
        if (selected.protocol === 'auto') continue;
        for (const pod of pods) {
          const port = podPortFor(sp, pod);
          if (port === undefined) continue;
          const key = `${pod.owner.id}:${port}`;
          const first = seen.get(key);
          if (!first) {
            seen.set(key, { svc, sp, protocol: selected.protocol });
            continue;
          }
          if (first.svc === svc || family(first.protocol) === family(selected.protocol)) continue;
          ctx.report({
            object: svc,
            path: sp.path,
            message:
              `Service ${svc.name} gives port ${port} of ${pod.owner.kind} ${pod.owner.name} protocol ${selected.protocol}, but ` +
              `Service ${first.svc.id} gives it ${first.protocol}: a pod port has one inbound protocol in Istio, so one of the Services is served with the wrong one.`,
            related: [
              {
                object: first.svc,
                path: first.sp.path,
                message: `port of ${first.svc.id} (${first.protocol})`,
              },
            ],
          });
          break;
        }
      }
    }
  },
};
