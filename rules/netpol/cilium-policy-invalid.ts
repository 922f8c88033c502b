import type { Rule } from '../../src/engine/types';
import { ciliumPoliciesOf } from '../../src/netpol/cilium';

export const ciliumPolicyInvalid: Rule = {
  meta: {
    id: 'cilium-policy-invalid',
    description: 'A Cilium policy the agent rejects',
    details:
      "Reports what the Cilium agent's rule sanitizing (pkg/policy/api/rule_validation.go) rejects in a " +
      'CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy, in its own words: "rule must have one of ' +
      'EndpointSelector or NodeSelector", "rule cannot have both EndpointSelector and NodeSelector", "Combining ' +
      'ToEndpoints and ToCIDR is not supported yet" (any two L3 peer kinds in one rule, toCIDR and toCIDRSet ' +
      'included), "Combining ToServices and ToPorts is not supported yet", "unsupported entity: X", "DNS rules ' +
      'are not allowed on ingress", "Port 53 must be specified for DNS rules", "L7 rules can only apply to TCP ' +
      '(not UDP) except for DNS rules", "L7 rules can not be used when a port is 0", "Port must be specified", ' +
      '"allow CIDR prefix X does not contain exclude CIDR prefix Y", "unable to parse CIDR", "too many ports, the max ' +
      'is 40", "The ICMPs block may only be present without ToPorts. Define a separate rule to use ToPorts.", "L7 ' +
      'policy is not supported on host ingress yet", "only one of MatchName or MatchPattern is allowed in an ' +
      'FQDNSelector", invalid protocols ' +
      "and malformed label selectors. The agent then imports none of the policy's rules, so the policy engine " +
      'leaves the whole object out.',
    severity: 'error',
    tags: ['networkpolicy', 'cilium'],
    docs: {
      why:
        'The API server accepts the object (the CRD schema is looser than the agent), but the agent refuses to ' +
        'import it: none of its rules is enforced, allows and default deny alike, and the only trace is the ' +
        "policy's status and the agent log.",
      symptoms: [
        'kubectl get cnp shows the policy, but traffic behaves as if it did not exist',
        'cilium-agent log: "Unable to add CiliumNetworkPolicy" ... "Combining ToEndpoints and ToCIDR is not supported yet"',
        'CiliumNetworkPolicy status: "unsupported entity: internet"',
      ],
      fix: 'Split peers of different kinds into separate rules, use a known entity, put DNS rules on egress port 53, and L7 rules on TCP ports.',
      example: {
        bad: 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: web}\nspec:\n  endpointSelector: {matchLabels: {app: web}}\n  egress:\n  - toEndpoints: [{matchLabels: {app: db}}]\n    toCIDR: [10.0.0.0/8]\n',
        good: 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: web}\nspec:\n  endpointSelector: {matchLabels: {app: web}}\n  egress:\n  - toEndpoints: [{matchLabels: {app: db}}]\n  - toCIDR: [10.0.0.0/8]\n',
      },
    },
  },
  check(ctx) {
    for (const policy of ciliumPoliciesOf(ctx.model)) {
      for (const e of policy.errors) {
        ctx.report({
          object: policy.obj,
          path: e.path,
          message: `${policy.obj.kind} ${policy.obj.name}: ${e.message}. The Cilium agent rejects the policy, so none of its rules is enforced.`,
        });
      }
    }
  },
};
