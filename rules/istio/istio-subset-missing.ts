import type { Rule } from '../../src/engine/types';
import { clusterDomain } from '../../src/istio/hosts';
import { destinationRulesFor } from '../../src/istio/registry';
import { ISTIO_NETWORKING, subsetsOf } from '../../src/istio/resources';
import { isNear } from '../../src/model/proximity';
import { describeDestination, resolvedDestinations } from './destinations';

export const istioSubsetMissing: Rule = {
  meta: {
    id: 'istio-subset-missing',
    description: 'Istio destination subset is not defined by a DestinationRule for its host',
    details:
      'Reports a VirtualService destination subset that no DestinationRule for the destination host (visible to the ' +
      "VirtualService's namespace) defines: an error when DestinationRules for the host are in the input and none has the " +
      'subset, a warning when the input has none for the host but has DestinationRules near the VirtualService, and a ' +
      'note otherwise (the DestinationRule may be applied from elsewhere).',
    severity: 'error',
    tags: ['istio', 'subset'],
    docs: {
      why:
        'A subset is a name a DestinationRule gives to a group of pods. Envoy has no cluster for a subset that no ' +
        'DestinationRule defines, so every request on the route fails with 503 (NR or NC) until it exists. Applying the ' +
        'VirtualService before its DestinationRule, or a typo in the subset name, causes it.',
      symptoms: [
        '503 NR',
        '503 NC',
        'no healthy upstream',
        'istioctl analyze: IST0101 ReferencedResourceNotFound',
      ],
      fix: 'Define the subset in the DestinationRule of the host (name and labels), or route to a subset it defines.',
      example: {
        bad:
          'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: reviews}\nspec:\n  host: reviews\n  subsets:\n  - {name: v1, labels: {version: v1}}\n---\n' +
          'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews}\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews, subset: v2}\n',
        good:
          'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: reviews}\nspec:\n  host: reviews\n  subsets:\n  - {name: v1, labels: {version: v1}}\n  - {name: v2, labels: {version: v2}}\n---\n' +
          'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews}\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews, subset: v2}\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const domain = clusterDomain(model, ctx.cluster);
    for (const { d, found } of resolvedDestinations(model, ctx.cluster)) {
      if (!d.subset) continue;
      const rules = destinationRulesFor(model, found.fqdn, d.vs.namespace, domain);
      const path = [...d.path, 'subset'];
      const what = describeDestination(d);
      if (rules.length === 0) {
        const near = model.ofKind(ISTIO_NETWORKING, 'DestinationRule').some((dr) => isNear(dr, d.vs));
        ctx.report({
          object: d.vs,
          path,
          severity: near ? 'warning' : 'note',
          message:
            `${what}: no DestinationRule for '${found.fqdn}' in the input defines subset '${d.subset}'. ` +
            (near
              ? 'The input has other DestinationRules near it; without one for this host the route answers 503.'
              : 'If none is applied from elsewhere, the route answers 503.'),
        });
        continue;
      }
      const subsets = rules.flatMap(subsetsOf);
      if (subsets.some((s) => s.name === d.subset)) continue;
      const first = rules[0];
      if (!first) continue;
      ctx.report({
        object: d.vs,
        path,
        message:
          `${what}: DestinationRule ${first.id}${rules.length > 1 ? ` (and ${rules.length - 1} more)` : ''} for '${found.fqdn}' ` +
          `defines ${subsets.length ? `subsets ${subsets.map((s) => s.name).join(', ')}` : 'no subsets'}, not '${d.subset}': the route answers 503.`,
        related: rules.map((dr) => ({
          object: dr,
          path: ['spec', 'subsets'],
          message: `subsets of ${dr.id}`,
        })),
      });
    }
  },
};
