import type { Rule } from '../../src/engine/types';

const ANNOTATION = 'net.beta.kubernetes.io/network-policy';

export const legacyDefaultDenyAnnotation: Rule = {
  meta: {
    id: 'legacy-default-deny-annotation',
    description: 'Namespace relies on the removed DefaultDeny annotation',
    details: `Reports a Namespace carrying the ${ANNOTATION} annotation, the pre-1.7 beta way to make a namespace default-deny.`,
    severity: 'warning',
    tags: ['networkpolicy', 'namespace'],
    docs: {
      why:
        'Kubernetes 1.7 replaced the annotation with NetworkPolicy objects; current clusters ignore it. A namespace ' +
        'that relies on it has no default deny at all: every pod that no policy selects accepts all traffic.',
      symptoms: ['pods in a "default-deny" namespace accept connections from anywhere'],
      fix: 'Remove the annotation and add a NetworkPolicy with podSelector: {} and the policyTypes to deny.',
      example: {
        bad: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    ${ANNOTATION}: '{"ingress": {"isolation": "DefaultDeny"}}'\n`,
        good: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n',
      },
    },
  },
  check(ctx) {
    for (const ns of ctx.model.ofKind('', 'Namespace')) {
      if (ns.annotations[ANNOTATION] === undefined) continue;
      ctx.report({
        object: ns,
        path: ['metadata', 'annotations', ANNOTATION],
        message: `Namespace ${ns.name} uses the ${ANNOTATION} annotation, which Kubernetes ignores since 1.7: the namespace has no default deny. Use a NetworkPolicy with podSelector: {} instead.`,
      });
    }
  },
};
