import type { Rule } from '../../src/engine/types';
import { clusterDomain, serviceOfHost } from '../../src/istio/hosts';
import { namespaceMembership, podMembership, type MeshMembership } from '../../src/istio/injection';
import { clientTlsSettings, effectiveMode, type EffectiveMode } from '../../src/istio/mtls';
import { destinationRuleHost } from '../../src/istio/registry';
import { destinationRules, subsetsOf } from '../../src/istio/resources';
import { selectorFromMap, selectorMatches } from '../../src/model/labels';

/** Client modes a STRICT server refuses: plaintext, or TLS without an Istio client certificate. */
const REFUSED_BY_STRICT = new Set(['DISABLE', 'SIMPLE']);

function conflict(client: string, server: EffectiveMode): boolean {
  return (
    (REFUSED_BY_STRICT.has(client) && server.mode === 'STRICT') ||
    (client === 'ISTIO_MUTUAL' && server.mode === 'DISABLE')
  );
}

export const istioMtlsConflict: Rule = {
  meta: {
    id: 'istio-mtls-conflict',
    description: 'Istio DestinationRule TLS mode conflicts with the PeerAuthentication mode',
    details:
      "Reports a DestinationRule tls.mode (top level, per port or per subset) that the destination's server side refuses: " +
      'DISABLE or SIMPLE where PeerAuthentication makes it STRICT (mesh-wide in the root namespace, namespace-wide, or for ' +
      'the workload), and ISTIO_MUTUAL where it is DISABLE. The mode is resolved for the pods of the host Service (their ' +
      'workload policy, else the namespace one, else the mesh one; PERMISSIVE by default). An error when the pods are in ' +
      'the mesh as the input shows (injection labels), a warning when the input does not say; nothing when port-level ' +
      'settings or unknown pods leave the mode open.',
    severity: 'error',
    tags: ['istio', 'mtls'],
    docs: {
      why:
        "A STRICT server sidecar accepts only Istio mutual TLS; a client told to send plaintext (DISABLE) or TLS without Istio's " +
        'client certificate (SIMPLE) has every connection reset. The reverse, ISTIO_MUTUAL towards a server with mTLS DISABLE, ' +
        'fails the same way.',
      symptoms: [
        'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
        '503 UC',
        'istioctl analyze: IST0113 MTLSPolicyConflict',
      ],
      fix: 'Remove the tls block from the DestinationRule (auto mTLS picks the right mode), or use ISTIO_MUTUAL towards STRICT servers.',
      example: {
        bad:
          'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: shop}\nspec:\n  mtls: {mode: STRICT}\n---\n' +
          'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: reviews, namespace: shop}\nspec:\n  host: reviews\n  trafficPolicy:\n    tls: {mode: DISABLE}\n',
        good:
          'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: shop}\nspec:\n  mtls: {mode: STRICT}\n---\n' +
          'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: reviews, namespace: shop}\nspec:\n  host: reviews\n  trafficPolicy:\n    tls: {mode: ISTIO_MUTUAL}\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const domain = clusterDomain(model, ctx.cluster);
    for (const dr of destinationRules(model)) {
      const host = destinationRuleHost(dr, domain);
      const ref = host ? serviceOfHost(host, domain) : undefined;
      if (!ref) continue;
      const svc = model.getNearest('', 'Service', ref.namespace, ref.name, dr);
      const pods = svc ? model.servicePods(svc) : [];
      for (const c of clientTlsSettings(dr)) {
        if (!REFUSED_BY_STRICT.has(c.mode) && c.mode !== 'ISTIO_MUTUAL') continue;
        const subset = c.subset ? subsetsOf(dr).find((s) => s.name === c.subset) : undefined;
        const targets = subset
          ? pods.filter((p) => selectorMatches(selectorFromMap(subset.labels), p.labels))
          : pods;
        // The server side of each pod, or of the namespace when the input has none of its pods.
        const servers: { mode: EffectiveMode; member: MeshMembership }[] = targets.length
          ? targets.map((p) => ({
              mode: effectiveMode(model, ref.namespace, p.labels),
              member: podMembership(model, p),
            }))
          : [
              {
                mode: effectiveMode(model, ref.namespace, undefined),
                member: namespaceMembership(model, ref.namespace),
              },
            ];
        if (servers.some((s) => s.mode.uncertain || !conflict(c.mode, s.mode) || s.member === 'outside'))
          continue;
        const first = servers[0];
        if (!first) continue;
        const source = first.mode.sources.find((pa) => pa.raw['spec'] !== undefined);
        const proven = servers.every((s) => s.member === 'mesh');
        ctx.report({
          object: dr,
          path: c.path,
          ...(proven ? {} : { severity: 'warning' as const }),
          message:
            `DestinationRule ${dr.name} makes clients use tls.mode ${c.mode}${c.port !== undefined ? ` on port ${c.port}` : ''}` +
            `${c.subset ? ` for subset ${c.subset}` : ''} towards ${ref.name}.${ref.namespace}, whose servers take mTLS mode ${first.mode.mode}` +
            `${source ? ` (PeerAuthentication ${source.id})` : ''}: every connection is reset (upstream connect error or disconnect/reset before headers).` +
            (proven
              ? ''
              : ' The input does not show whether those pods are in the mesh; if they are not, the PeerAuthentication does not apply.'),
          related: first.mode.sources.map((pa) => ({
            object: pa,
            path: ['spec'],
            message: `PeerAuthentication ${pa.id}`,
          })),
        });
      }
    }
  },
};
