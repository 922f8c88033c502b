import type { Rule } from '../../src/engine/types';
import { calicoPoliciesOf } from '../../src/netpol/calico';
import { tiered } from '../../src/netpol/calico-engine';
import { criteriaOf, FINAL_ACTIONS, matchesEverything, rawRules } from '../../src/netpol/calico-shadow';
import type { Policy } from '../../src/netpol/policy';
import { asRecord } from '../../src/util/values';

type Direction = 'ingress' | 'egress';

/** Policies whose rules apply at another point (untracked, pre-DNAT, forwarded) are left alone. */
function special(policy: Policy): boolean {
  const spec = asRecord(policy.obj.raw['spec']) ?? {};
  return ['doNotTrack', 'preDNAT', 'applyOnForward'].some((k) => spec[k] === true);
}

/**
 * Whether `earlier` selects every endpoint `later` selects: an all() (or empty) selector, or the
 * same selector text, over the same or a wider scope (a GlobalNetworkPolicy without
 * namespaceSelector covers every endpoint; a NetworkPolicy covers its namespace), and no
 * serviceAccountSelector narrowing it that `later` does not share.
 */
function covers(earlier: Policy, later: Policy): boolean {
  const a = earlier.calico;
  const b = later.calico;
  if (!a || !b) return false;
  const text = (s: { text: string } | undefined) => s?.text.trim() ?? '';
  const sel = text(a.selector);
  if (sel !== '' && sel !== 'all()' && sel !== text(b.selector)) return false;
  if (a.serviceAccountSelector && text(a.serviceAccountSelector) !== text(b.serviceAccountSelector))
    return false;
  if (earlier.clusterWide)
    return !a.namespaceSelector || text(a.namespaceSelector) === text(b.namespaceSelector);
  return !later.clusterWide && earlier.namespace === later.namespace;
}

export const calicoRuleShadowed: Rule = {
  meta: {
    id: 'calico-rule-shadowed',
    description: 'A Calico rule no traffic reaches: an earlier rule or policy decides it first',
    details:
      'Calico evaluates rules in order and the first Allow, Deny or Pass that matches decides. Reports a rule of a ' +
      'Calico NetworkPolicy or GlobalNetworkPolicy when an earlier rule of the same policy and direction with a final ' +
      'action has no match criteria at all, or exactly the same criteria; and the rules of a policy when an earlier ' +
      'policy of the same tier (lower order, or same order and earlier name) selects a superset of its endpoints ' +
      '(all(), or the same selector, over the same or a wider scope) and holds a rule without criteria with a final ' +
      'action in that direction. Only what the manifests prove: rules whose selectors, nets or ports merely overlap ' +
      'are not compared. Untracked, pre-DNAT and applyOnForward policies are left out.',
    severity: 'warning',
    tags: ['networkpolicy', 'calico'],
    docs: {
      why:
        'The rule reads as if it were enforced, but no packet ever reaches it: a Deny placed after a catch-all Allow ' +
        'blocks nothing, and an Allow after a catch-all Deny opens nothing.',
      symptoms: [
        'a Calico Deny rule has no effect: the pod still reaches the blocked address',
        'a Calico Allow rule is ignored and traffic is dropped anyway',
      ],
      fix: 'Move the rule before the catch-all rule (or lower the order of its policy), or remove the dead rule.',
      example: {
        bad: 'apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: all()\n  egress:\n  - action: Allow\n  - action: Deny\n    destination: {nets: [169.254.169.254/32]}\n',
        good: 'apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: all()\n  egress:\n  - action: Deny\n    destination: {nets: [169.254.169.254/32]}\n  - action: Allow\n',
      },
    },
  },
  check(ctx) {
    const policies = calicoPoliciesOf(ctx.model).filter((p) => p.errors.length === 0 && !special(p));
    const on = (p: Policy, d: Direction) => (d === 'ingress' ? p.ingress : p.egress);
    // Within a policy: a rule behind a catch-all or an identical rule.
    for (const policy of policies) {
      for (const d of ['ingress', 'egress'] as const) {
        if (!on(policy, d)) continue;
        const rules = rawRules(policy, d);
        rules.forEach((rule, j) => {
          const i = rules.findIndex(
            (r, k) =>
              k < j &&
              FINAL_ACTIONS.includes(String(r['action'])) &&
              (matchesEverything(r) || criteriaOf(r) === criteriaOf(rule)),
          );
          const earlier = rules[i];
          if (i < 0 || !earlier) return;
          const how = matchesEverything(earlier)
            ? 'has no match criteria'
            : 'has exactly the same match criteria';
          ctx.report({
            object: policy.obj,
            path: ['spec', d, j],
            message: `${policy.obj.kind} ${policy.obj.name} ${d} rule ${j} (${String(rule['action'])}) can never match: ${d} rule ${i} (${String(earlier['action'])}) ${how} and decides that traffic first. Move the rule before rule ${i}, or remove it.`,
            related: [{ object: policy.obj, path: ['spec', d, i], message: `${d} rule ${i} decides first` }],
          });
        });
      }
    }
    // Across policies of a tier: an earlier policy over a superset of the endpoints that decides all their traffic.
    for (const { tier, policies: ordered } of tiered(ctx.model, policies)) {
      ordered.forEach((later, n) => {
        for (const d of ['ingress', 'egress'] as const) {
          if (!on(later, d) || rawRules(later, d).length === 0) continue;
          for (const earlier of ordered.slice(0, n)) {
            // The same object declared twice (variants of one manifest) is one policy, not two.
            if (earlier.obj.id === later.obj.id) continue;
            if (!on(earlier, d) || !covers(earlier, later)) continue;
            const rules = rawRules(earlier, d);
            const k = rules.findIndex(
              (r) => FINAL_ACTIONS.includes(String(r['action'])) && matchesEverything(r),
            );
            if (k < 0) continue;
            ctx.report({
              object: later.obj,
              path: ['spec', d],
              message: `${later.obj.kind} ${later.obj.name}: its ${d} rules are never reached: ${earlier.obj.kind} ${earlier.obj.name}, earlier in tier ${tier.name}, selects all of its endpoints and its ${d} rule ${k} (${String(rules[k]?.['action'])}) decides all their ${d} traffic first. Give this policy a lower order, or narrow the earlier policy.`,
              related: [
                { object: earlier.obj, path: ['spec', d, k], message: `the rule that decides first` },
              ],
            });
            break;
          }
        }
      });
    }
  },
};
