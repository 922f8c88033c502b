import { isNear } from '../../src/model/proximity';
import type { Rule } from '../../src/engine/types';
import { NAMESPACE_NAME_LABEL } from '../../src/model/model';
import { policiesOf } from '../../src/netpol/policy';
import { calicoPoliciesOf } from '../../src/netpol/calico';
import { requiredKeys } from '../../src/netpol/calico-selector';
import type { FieldPath } from '../../src/load/types';
import type { KObject } from '../../src/model/object';

/** Calico's own namespace name label, beside the one Kubernetes sets (Calico docs, namespaceSelector). */
const CALICO_NAME_LABEL = 'projectcalico.org/name';
const OPERATOR_NAMESPACE = /^(calico|tigera)-/;

export const namespaceLabelNotSet: Rule = {
  meta: {
    id: 'namespace-label-not-set',
    description: 'namespaceSelector relies on a label no namespace has',
    details:
      'Reports a NetworkPolicy namespaceSelector that requires a label (In or Exists) which Kubernetes does not set ' +
      'and which no Namespace in the input (or the config) sets: the classic `name: kube-system`. Kubernetes sets ' +
      'only kubernetes.io/metadata.name on every namespace. Calico namespaceSelector expressions (`name == ' +
      "'production'`, `has(team)`, `env in {...}`) are checked the same way; Calico adds projectcalico.org/name. " +
      'Other keys are a warning only where the input defines ' +
      'Namespace objects near the policy (it manages namespace labels there); otherwise a note.',
    severity: 'warning',
    tags: ['networkpolicy', 'calico', 'selector'],
    docs: {
      why:
        'A namespaceSelector on a label that no namespace carries matches nothing, so the rule allows nothing: ' +
        'the DNS rule that was meant to admit kube-system admits no one, and lookups time out.',
      symptoms: [
        'dial tcp: lookup db on 10.96.0.10:53: i/o timeout',
        'pods cannot reach another namespace after a NetworkPolicy was added',
      ],
      fix: 'Select namespaces by kubernetes.io/metadata.name: <namespace>, which the API server sets on every namespace, or label the Namespace objects.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-dns}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - namespaceSelector:\n        matchLabels: {name: kube-system}\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-dns}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - namespaceSelector:\n        matchLabels: {kubernetes.io/metadata.name: kube-system}\n',
      },
    },
  },
  check(ctx) {
    const setKeys = new Set<string>();
    for (const info of ctx.model.namespaces.values())
      for (const k of Object.keys(info.labels)) setKeys.add(k);
    const reportKey = (obj: KObject, path: FieldPath, key: string, use: string) => {
      const classic = key === 'name' || key === 'namespace' || key === 'ns';
      const suggestion = classic
        ? ` Use ${use}.`
        : ` Label the Namespace objects, or select by ${NAMESPACE_NAME_LABEL}.`;
      // Labels of namespaces the input does not define are unknown: only where the input
      // manages Namespace objects near the policy is the missing label likely a mistake.
      // `name`, `namespace` and `ns` are the classic mistake: expecting Kubernetes to set them.
      const managed = classic || ctx.model.ofKind('', 'Namespace').some((ns) => isNear(ns, obj));
      const what = `${obj.kind} ${obj.name} selects namespaces by label '${key}', which Kubernetes does not set and`;
      ctx.report({
        object: obj,
        path,
        severity: managed ? 'warning' : 'note',
        message: managed
          ? `${what} no Namespace in the input sets: the peer matches no namespace, so the rule allows nothing.${suggestion}`
          : `${what} the input defines no Namespace near it to check: unless the namespaces are labelled elsewhere, the peer matches none and the rule allows nothing.${suggestion}`,
        related: [...ctx.model.namespaces.values()]
          .flatMap((ns) => (ns.object ? [ns.object] : []))
          .slice(0, 10)
          .map((o) => ({
            object: o,
            path: ['metadata', 'labels'],
            message: `labels of Namespace ${o.name}`,
          })),
      });
    };
    // Calico selectors: every label the expression requires present (==, in, has, contains...).
    for (const policy of calicoPoliciesOf(ctx.model)) {
      if (policy.errors.length) continue; // calico-policy-invalid
      const selectors: { expr: ReturnType<typeof requiredKeys>; path: FieldPath }[] = [];
      const info = policy.calico;
      if (info?.namespaceSelector?.expr)
        selectors.push({
          expr: requiredKeys(info.namespaceSelector.expr),
          path: ['spec', 'namespaceSelector'],
        });
      for (const rule of [...policy.ingressRules, ...policy.egressRules])
        for (const entity of rule.calico ? [rule.calico.source, rule.calico.destination] : [])
          if (entity.namespaceSelector?.expr)
            selectors.push({
              expr: requiredKeys(entity.namespaceSelector.expr),
              path: [...entity.path, 'namespaceSelector'],
            });
      for (const { expr, path } of selectors)
        for (const req of expr) {
          if (req.key === NAMESPACE_NAME_LABEL || req.key === CALICO_NAME_LABEL || setKeys.has(req.key))
            continue;
          // The tigera-operator creates its namespaces (calico-system, tigera-*) itself, labelled
          // `name: <namespace>`, and its own policies select them so: the input cannot show those labels.
          if (req.key === 'name' && req.values.length && req.values.every((v) => OPERATOR_NAMESPACE.test(v)))
            continue;
          reportKey(
            policy.obj,
            path,
            req.key,
            `${CALICO_NAME_LABEL} == '${req.values[0] ?? '<namespace>'}', which Calico sets on every namespace`,
          );
        }
    }
    for (const policy of policiesOf(ctx.model)) {
      for (const rule of [...policy.ingressRules, ...policy.egressRules]) {
        for (const peer of rule.peers ?? []) {
          if (peer.kind !== 'pods' || !peer.namespaceSelector) continue;
          for (const req of peer.namespaceSelector.requirements) {
            if (req.operator !== 'In' && req.operator !== 'Exists') continue;
            if (req.key === NAMESPACE_NAME_LABEL || setKeys.has(req.key)) continue;
            reportKey(
              policy.obj,
              [...peer.path, 'namespaceSelector'],
              req.key,
              `${NAMESPACE_NAME_LABEL}: ${req.values[0] ?? '<namespace>'}, which the API server sets on every namespace`,
            );
          }
        }
      }
    }
  },
};
