import type { Rule } from '../../src/engine/types';
import { calicoPoliciesOf } from '../../src/netpol/calico';

export const calicoPolicyInvalid: Rule = {
  meta: {
    id: 'calico-policy-invalid',
    description: 'A Calico policy the API server or calicoctl rejects',
    details:
      'Reports what Calico validation rejects in a projectcalico.org/v3 (or crd.projectcalico.org/v1) NetworkPolicy ' +
      'or GlobalNetworkPolicy: a selector that does not parse (with the column inside the selector string), ' +
      '`global()` outside a namespaceSelector, `services` combined with selector, notSelector, namespaceSelector, ' +
      'serviceAccounts, nets or notNets, `services` on the near side of a rule, ports or notPorts without protocol ' +
      'TCP, UDP, SCTP or UDPLite, icmp without protocol ICMP, an unknown or missing action (Allow, Deny, Log, ' +
      'Pass), an unknown protocol or type, a bad CIDR in nets and a bad port range. The policy engine leaves such a ' +
      'policy out: it is not created, so none of its rules applies.',
    severity: 'error',
    tags: ['networkpolicy', 'calico', 'selector'],
    docs: {
      why:
        'kubectl apply (through the Calico API server) or calicoctl apply refuses the whole object, so the policy ' +
        'the change was meant to add does not exist: a deny you rely on is missing, or a deploy pipeline fails. ' +
        'Written straight into the crd.projectcalico.org CRDs, which Calico does not support, it is not validated ' +
        'at all and Felix cannot use it.',
      symptoms: [
        'error: GlobalNetworkPolicy.projectcalico.org "default-deny" is invalid: spec.selector: Invalid value',
        'calicoctl apply: Failed to execute command: error with field Selector',
        'rules that specify ports must set protocol to TCP or UDP or SCTP',
      ],
      fix: "Quote selector values (`app == 'web'`), use `&&`/`||`, set `protocol: TCP` (or UDP) on rules with ports, and keep `services` alone in its entity.",
      example: {
        bad:
          'apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: web, namespace: shop}\nspec:\n' +
          '  selector: app == web\n  ingress:\n  - action: Allow\n    destination: {ports: [8080]}\n',
        good:
          'apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: web, namespace: shop}\nspec:\n' +
          "  selector: app == 'web'\n  ingress:\n  - action: Allow\n    protocol: TCP\n    destination: {ports: [8080]}\n",
      },
    },
  },
  check(ctx) {
    for (const policy of calicoPoliciesOf(ctx.model)) {
      for (const e of policy.errors) {
        ctx.report({
          object: policy.obj,
          path: e.path,
          message: `${policy.obj.kind} ${policy.obj.name}: ${e.message}. Calico's API server and calicoctl reject the policy, so none of its rules applies.`,
        });
      }
    }
  },
};
