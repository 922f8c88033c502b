import { podOwners } from '../../src/engine/related';
import type { Rule, Severity } from '../../src/engine/types';
import { clusterDomain, serviceOfHost } from '../../src/istio/hosts';
import { destinationRuleHost } from '../../src/istio/registry';
import { destinationRules, ISTIO_NETWORKING, subsetsOf } from '../../src/istio/resources';
import { formatSelector, selectorFromMap, selectorMatches } from '../../src/model/labels';
import { isNear } from '../../src/model/proximity';
import { describeProviders } from '../../src/model/providers';
import { serviceSelector } from '../../src/model/service-ports';

export const istioSubsetNoPods: Rule = {
  meta: {
    id: 'istio-subset-no-pods',
    description: 'Istio DestinationRule subset selects none of the pods of its Service',
    details:
      "Reports a DestinationRule subset whose labels match none of the pods the host's Service selects (the subset's " +
      'endpoints are the Service endpoints that also carry the subset labels). Checked only where the input shows pods ' +
      'of the Service; a warning when custom resources of the namespace may create pods, a note when WorkloadEntries or ' +
      'WorkloadGroups (VMs in the mesh) may provide the endpoints.',
    severity: 'error',
    tags: ['istio', 'subset', 'selector'],
    docs: {
      why:
        "A subset's endpoints are the Service's endpoints that carry its labels. A subset that selects no pod (`version: v3` " +
        'when the pods say `version: 3`, or a version not deployed yet) gives Envoy an empty cluster: every request routed to it ' +
        'fails with 503 UH.',
      symptoms: [
        'no healthy upstream',
        '503 UH',
        'upstream connect error or disconnect/reset before headers',
      ],
      fix: 'Make the subset labels match the pod template labels of the version it stands for, or deploy that version.',
      example: {
        bad:
          'apiVersion: v1\nkind: Service\nmetadata: {name: reviews}\nspec:\n  selector: {app: reviews}\n  ports: [{name: http, port: 9080}]\n---\n' +
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: reviews-v1}\nspec:\n  selector: {matchLabels: {app: reviews, version: v1}}\n  template:\n    metadata: {labels: {app: reviews, version: v1}}\n    spec: {containers: [{name: reviews, image: reviews:1}]}\n---\n' +
          "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: reviews}\nspec:\n  host: reviews\n  subsets:\n  - {name: v1, labels: {version: '1'}}\n",
        good: 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: reviews}\nspec:\n  host: reviews\n  subsets:\n  - {name: v1, labels: {version: v1}}\n',
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
      const selector = svc ? serviceSelector(svc) : undefined;
      if (!svc || !selector) continue;
      // Only where the Service and some of its pods belong with the DestinationRule (same file or
      // folder, or one folder inside the other): a DestinationRule for an application deployed from
      // elsewhere cannot be judged by the pods of another copy of it. All selected pods count.
      const pods = model.selectPods(selector, ref.namespace);
      if (!isNear(svc, dr) || !pods.some((p) => isNear(p.owner, dr))) continue;
      for (const subset of subsetsOf(dr)) {
        const sel = selectorFromMap(subset.labels);
        if (sel.requirements.length === 0 || pods.some((p) => selectorMatches(sel, p.labels))) continue;
        const vms = ['WorkloadEntry', 'WorkloadGroup'].some((k) =>
          model.ofKind(ISTIO_NETWORKING, k).some((o) => o.namespace === ref.namespace),
        );
        const providers = model.outsideProviders(
          ref.namespace,
          { selector: { requirements: [...selector.requirements, ...sel.requirements], errors: [] } },
          dr,
        );
        const severity: Severity | undefined =
          vms || providers.likely ? 'note' : providers.creators.length ? 'warning' : undefined;
        ctx.report({
          object: dr,
          path: ['spec', 'subsets', subset.index, 'labels'],
          ...(severity ? { severity } : {}),
          message:
            `DestinationRule ${dr.name} subset '${subset.name}' (${formatSelector(sel)}) selects none of the pods of Service ${svc.id} ` +
            `(${[...new Set(pods.map((p) => p.owner.id))].slice(0, 3).join(', ')}): requests routed to it get 503 UH, no healthy upstream.` +
            (vms ? ' WorkloadEntries or WorkloadGroups in the namespace may provide its endpoints.' : '') +
            describeProviders(providers, 'pods'),
          related: [
            { object: svc, path: ['spec', 'selector'], message: `selector of Service ${svc.id}` },
            ...podOwners(pods, (p) => `pod labels of ${p.owner.id}`),
          ],
        });
      }
    }
  },
};
