import type { Rule } from '../../src/engine/types';
import type { LabelValue } from '../../src/model/labels';
import { calicoPoliciesOf, calicoTiers } from '../../src/netpol/calico';
import { calicoNamespaceLabels } from '../../src/netpol/calico-labels';
import { evaluate } from '../../src/netpol/calico-selector';
import type { Policy, PolicyRule } from '../../src/netpol/policy';

/** Namespaces of Calico's own components (operator install), which need the API server and each other. */
const SYSTEM_NAMESPACES = ['calico-system', 'calico-apiserver', 'tigera-operator'];

const EXEMPT =
  "projectcalico.org/namespace not in {'kube-system', 'calico-system', 'calico-apiserver', 'tigera-operator'}";

/** A rule that takes every connection of its direction (Allow or Pass, no match criteria). */
function takesAll(rule: PolicyRule): boolean {
  const r = rule.calico;
  if (!r || (r.action !== 'Allow' && r.action !== 'Pass')) return false;
  const open = (e: typeof r.source) =>
    !e.nets.length &&
    !e.notNets.length &&
    !e.selector &&
    !e.notSelector &&
    !e.namespaceSelector &&
    !e.ports &&
    !e.notPorts &&
    !e.serviceAccounts &&
    !e.services;
  return r.protocol === undefined && r.notProtocol === undefined && open(r.source) && open(r.destination);
}

/** Whether the policy's selectors may select endpoints of the namespace (pod labels unknown). */
function selectsNamespace(
  model: Parameters<typeof calicoNamespaceLabels>[0],
  policy: Policy,
  ns: string,
): boolean {
  const info = policy.calico;
  if (!info?.selector.expr) return false;
  const labels = new Map<string, LabelValue>([
    ['projectcalico.org/namespace', ns],
    ['projectcalico.org/orchestrator', 'k8s'],
  ]);
  for (const [k, v] of calicoNamespaceLabels(model, ns)) labels.set(`pcns.${k}`, v);
  if (evaluate(info.selector.expr, labels) === 'no') return false;
  const nsSel = info.namespaceSelector;
  return (
    !nsSel?.expr ||
    nsSel.text.trim() === '' ||
    evaluate(nsSel.expr, calicoNamespaceLabels(model, ns)) !== 'no'
  );
}

export const calicoDefaultDenySystem: Rule = {
  meta: {
    id: 'calico-default-deny-system',
    description: "A Calico global default deny that does not exempt Calico's own namespaces",
    details:
      'Reports a GlobalNetworkPolicy that puts endpoints in default deny (an Ingress or Egress type with no rule ' +
      'that allows or passes everything, in a tier whose default action is Deny) while its selector also selects the endpoints of calico-system, ' +
      'calico-apiserver or tigera-operator. A warning where the input shows an operator install (an ' +
      'operator.tigera.io Installation, or one of these namespaces or their pods); otherwise a note, as Calico may ' +
      'have been installed without them.',
    severity: 'warning',
    tags: ['networkpolicy', 'calico'],
    docs: {
      why:
        "Calico's documentation recommends that a global default deny exclude the system namespaces: " +
        'calico-kube-controllers, the Calico API server and the tigera-operator then lose their connections to the ' +
        'Kubernetes API server (and the API server its calls to the Calico API server), so new policies, IP pools ' +
        'and upgrades are no longer applied while existing traffic seems fine.',
      symptoms: [
        'error: the server is currently unable to handle the request (get globalnetworkpolicies.projectcalico.org)',
        'calico-kube-controllers: Failed to initialize Calico datastore ... dial tcp 10.96.0.1:443: i/o timeout',
        'tigera-operator: failed to get Installation: dial tcp 10.96.0.1:443: i/o timeout',
      ],
      fix: `Exclude the system namespaces from the default deny, as Calico's docs do:\n\n\`\`\`yaml\nselector: ${EXEMPT}\n\`\`\``,
      example: {
        bad: 'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: default-deny}\nspec:\n  selector: all()\n  types: [Ingress, Egress]\n',
        good: `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: default-deny}\nspec:\n  selector: ${EXEMPT}\n  types: [Ingress, Egress]\n`,
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const policies = calicoPoliciesOf(model).filter((p) => p.clusterWide && p.errors.length === 0);
    if (policies.length === 0) return;
    const installed =
      model.ofKind('operator.tigera.io', 'Installation').length > 0 ||
      SYSTEM_NAMESPACES.some(
        (ns) => model.namespaces.get(ns)?.object !== undefined || model.podsIn(ns).length > 0,
      );
    const tiers = calicoTiers(model);
    for (const policy of policies) {
      if (policy.selectsNodes) continue; // an untracked or pre-DNAT policy: host endpoints only
      // Only where the end of the policy's tier denies: a tier with defaultAction Pass hands the
      // traffic on, and a tier the input does not define (the operator's calico-system and
      // allow-tigera tiers) has a default action the input cannot show.
      const tier = tiers.get(policy.calico?.tier ?? 'default');
      if (!tier || tier.defaultAction === 'Pass') continue;
      const denies = (['ingress', 'egress'] as const).filter(
        (d) => policy[d] && !(d === 'ingress' ? policy.ingressRules : policy.egressRules).some(takesAll),
      );
      if (denies.length === 0) continue;
      const hit = SYSTEM_NAMESPACES.filter((ns) => selectsNamespace(model, policy, ns));
      if (hit.length === 0) continue;
      const what = `GlobalNetworkPolicy ${policy.obj.name} is a default deny (${denies.join(' and ')}) whose selector also selects the endpoints of ${hit.join(', ')}`;
      ctx.report({
        object: policy.obj,
        path: ['spec', 'selector'],
        severity: installed ? 'warning' : 'note',
        message: installed
          ? `${what}: Calico's own components lose their connections to the API server and each other, so policy and IP pool changes stop being applied. Exempt them: ${EXEMPT}.`
          : `${what}; the input does not show how Calico was installed, but with the tigera-operator its components there lose their connections to the API server. Exempt them: ${EXEMPT}.`,
      });
    }
  },
};
