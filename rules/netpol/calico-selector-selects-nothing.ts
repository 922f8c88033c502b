import type { FieldPath } from '../../src/load/types';
import type { Rule } from '../../src/engine/types';
import type { Requirement, Selector } from '../../src/model/labels';
import { describeProviders } from '../../src/model/providers';
import { calicoPoliciesOf, type CalicoEntity } from '../../src/netpol/calico';
import {
  anythingMatches,
  namespacesNamed,
  namespacesSelected,
  readsInheritedLabels,
  selectorKeys,
} from '../../src/netpol/calico-endpoints';
import { requiredKeys, type CalicoSelector } from '../../src/netpol/calico-selector';
import type { Policy } from '../../src/netpol/policy';

/** Namespace label keys every namespace carries, whatever repository defines it. */
const NAME_KEYS = ['projectcalico.org/name', 'kubernetes.io/metadata.name'];

/** The label requirements a Calico selector needs present, as a Kubernetes selector (for outsideProviders). */
function asSelector(sel: CalicoSelector): Selector {
  const requirements: Requirement[] = (sel.expr ? requiredKeys(sel.expr) : [])
    .filter((r) => !r.key.startsWith('projectcalico.org/') && !/^pc(ns|sa)\./.test(r.key))
    .map((r) => ({ key: r.key, operator: r.values.length ? 'In' : 'Exists', values: r.values }));
  return { requirements, errors: [] };
}

interface Scope {
  namespaces: string[];
  /** Whether namespaces outside the input may be in scope through their labels. */
  open: boolean;
}

/** Namespaces a rule entity's selectors look in; undefined when they may look anywhere. */
function entityScope(policy: Policy, e: CalicoEntity, sel: CalicoSelector): Scope | undefined {
  const nsSel = e.namespaceSelector;
  if (nsSel) {
    // An empty namespaceSelector keeps a namespaced policy's rule in its namespace; a global
    // policy's reaches every namespace (Calico docs, EntityRule namespaceSelector).
    if (nsSel.text.trim() === '')
      return policy.clusterWide ? undefined : { namespaces: [policy.namespace], open: false };
    return undefined;
  }
  if (!policy.clusterWide) return { namespaces: [policy.namespace], open: false };
  const named = sel.expr && namespacesNamed(sel.expr);
  return named ? { namespaces: named, open: false } : undefined;
}

export const calicoSelectorSelectsNothing: Rule = {
  meta: {
    id: 'calico-selector-selects-nothing',
    description: 'A Calico policy or rule selector that matches no endpoint of the input',
    details:
      'Reports a Calico NetworkPolicy or GlobalNetworkPolicy whose `selector`, or a rule whose source or destination ' +
      '`selector` (or `notSelector`), matches no workload endpoint (pod), HostEndpoint, NetworkSet or GlobalNetworkSet ' +
      'in the namespaces it looks in: the policy’s own, those its `namespaceSelector` selects, or those a ' +
      '`projectcalico.org/namespace` requirement names. Judged only where the input describes the workloads near the ' +
      'policy; a selector that may match (a label value known only at run time) is not reported; a note instead of a ' +
      'warning when the verdict rests on labels of namespaces or service accounts (`pcns.`, `pcsa.`, a ' +
      '`namespaceSelector` on other labels than the name) that the input may not show, or when a custom resource ' +
      'may create the pods. A namespaceSelector matching no namespace is namespace-label-not-set’s.',
    severity: 'warning',
    tags: ['networkpolicy', 'calico', 'selector'],
    docs: {
      why:
        'A Calico policy whose selector matches nothing does nothing, and a rule whose selector matches nothing never ' +
        'matches: its Allow admits no one, its Deny blocks nothing, and a notSelector that matches nothing excludes ' +
        'nothing. A label typo is the usual cause.',
      symptoms: [
        'a Calico Deny rule has no effect: the pod still reaches the peer it was meant to block',
        'connections time out although a Calico Allow rule names the client',
      ],
      fix: 'Make the selector match the labels of the pod templates (or host endpoints, network sets) it is meant for.',
      example: {
        bad: "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: db, namespace: shop}\nspec:\n  selector: app == 'db'\n  ingress:\n  - action: Allow\n    source: {selector: app == 'cart'}\n",
        good: "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: db, namespace: shop}\nspec:\n  selector: app == 'db'\n  ingress:\n  - action: Allow\n    source: {selector: app == 'carts'}\n",
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const judge = (
      policy: Policy,
      sel: CalicoSelector,
      scope: Scope,
      path: FieldPath,
      what: (where: string) => string,
    ): void => {
      if (!sel.expr || selectorKeys(sel.expr).length === 0) return;
      if (anythingMatches(model, sel, scope.namespaces)) return;
      const described = scope.namespaces.filter((ns) => model.describesPodsNear(ns, policy.obj));
      if (described.length === 0) return;
      const providers = described.map((ns) =>
        model.outsideProviders(ns, { selector: asSelector(sel) }, policy.obj),
      );
      const inherited = readsInheritedLabels(sel);
      const weak = inherited || scope.open || providers.some((p) => p.likely);
      const where =
        described.length === 1
          ? `namespace '${described[0] ?? ''}'`
          : `namespaces ${described.map((n) => `'${n}'`).join(', ')}`;
      ctx.report({
        object: policy.obj,
        path,
        ...(weak ? { severity: 'note' as const } : {}),
        message:
          `${policy.obj.kind} ${policy.obj.name}: ${what(where)}` +
          (inherited
            ? ' (the namespace or service account labels it reads may be set outside the input)'
            : '') +
          (scope.open
            ? ' (namespaces outside the input may carry the labels its namespaceSelector asks for)'
            : '') +
          describeProviders(
            {
              named: providers.flatMap((p) => p.named),
              creators: providers.flatMap((p) => p.creators),
              operatorLabels: providers.flatMap((p) => p.operatorLabels),
            },
            'pods',
          ),
      });
    };
    for (const policy of calicoPoliciesOf(model)) {
      const info = policy.calico;
      if (!info || policy.errors.length) continue; // calico-policy-invalid
      // The policy's own selector. A global policy reaches every namespace unless the selector names some.
      const named =
        policy.clusterWide && info.namespaceSelector === undefined && info.selector.expr
          ? namespacesNamed(info.selector.expr)
          : undefined;
      const own: Scope | undefined = !policy.clusterWide
        ? { namespaces: [policy.namespace], open: false }
        : named
          ? { namespaces: named, open: false }
          : undefined;
      // A host endpoint policy (untracked, pre-DNAT) selects host endpoints the input may not list
      // (kube-controllers can create them automatically): nothing provable.
      if (own && !policy.selectsNodes)
        judge(
          policy,
          info.selector,
          own,
          ['spec', 'selector'],
          (where) =>
            `selector ${info.selector.text} matches no endpoint in ${where}: the policy applies to nothing. Match the pod template labels.`,
        );
      for (const rule of [...policy.ingressRules, ...policy.egressRules]) {
        const r = rule.calico;
        if (!r) continue;
        for (const [side, e] of [
          ['source', r.source],
          ['destination', r.destination],
        ] as const) {
          for (const field of ['selector', 'notSelector'] as const) {
            const sel = e[field];
            if (!sel) continue;
            let scope = entityScope(policy, e, sel);
            if (!scope && e.namespaceSelector && e.namespaceSelector.text.trim() !== '') {
              const selected = namespacesSelected(model, e.namespaceSelector);
              const keys = e.namespaceSelector.expr ? selectorKeys(e.namespaceSelector.expr) : [];
              // Selecting no namespace of the input is namespace-label-not-set's to say.
              if (selected.length)
                scope = { namespaces: selected, open: keys.some((k) => !NAME_KEYS.includes(k)) };
            }
            if (!scope) continue;
            const effect =
              field === 'notSelector'
                ? 'so it excludes nothing'
                : r.action === 'Deny'
                  ? 'so the rule denies nothing'
                  : r.action === 'Allow'
                    ? 'so the rule admits no one'
                    : 'so the rule never matches';
            judge(
              policy,
              sel,
              scope,
              [...e.path, field],
              (where) =>
                `${rule.direction} rule ${rule.index} ${side} ${field} ${sel.text} matches no endpoint in ${where}, ${effect}. Match the labels of the intended ${side === 'source' ? 'clients' : 'servers'}.`,
            );
          }
        }
      }
    }
  },
};
