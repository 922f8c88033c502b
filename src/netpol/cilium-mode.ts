// The Cilium agent's policy enforcement mode (`enable-policy` in the cilium-config ConfigMap):
// "default" enforces on endpoints that rules select; "always" puts every endpoint in default deny
// in both directions, selected or not; "never" enforces nothing, not even selected endpoints'
// rules (Cilium docs, Policy Enforcement Modes).
import type { Model } from '../model/model';
import type { KObject } from '../model/object';
import { asRecord, asString } from '../util/values';
import type { Policy } from './policy';

export type EnforcementMode = 'default' | 'always' | 'never';

/** The mode the input's cilium-config sets, and the ConfigMap that sets it. */
export function enforcementMode(model: Model): { mode: EnforcementMode; obj: KObject | undefined } {
  for (const cm of model.ofKind('', 'ConfigMap')) {
    if (cm.name !== 'cilium-config') continue;
    const value = asString(asRecord(cm.raw['data'])?.['enable-policy']);
    if (value === 'always' || value === 'never' || value === 'default') return { mode: value, obj: cm };
  }
  return { mode: 'default', obj: undefined };
}

/**
 * With enable-policy "always", the agent itself isolates every endpoint: a policy of no rules that
 * selects every pod and asks for default deny both ways, located at the ConfigMap key.
 */
export function alwaysEnforcePolicy(obj: KObject): Policy {
  return {
    dialect: 'cilium',
    obj,
    namespace: '',
    clusterWide: true,
    specPath: ['data', 'enable-policy'],
    podSelector: { requirements: [], errors: [] },
    selectsNodes: false,
    ingress: true,
    egress: true,
    explicitTypes: true,
    ingressRules: [],
    egressRules: [],
    errors: [],
  };
}

/**
 * Whether CIDR selectors may match nodes: `policy-cidr-match-mode: nodes` in cilium-config (Cilium
 * 1.16+, "Selecting nodes with CIDR / ipBlock"); by default they match neither nodes nor pods.
 */
export function cidrMatchesNodes(model: Model): boolean {
  return model
    .ofKind('', 'ConfigMap')
    .some(
      (cm) =>
        cm.name === 'cilium-config' &&
        (asString(asRecord(cm.raw['data'])?.['policy-cidr-match-mode']) ?? '')
          .split(/[\s,]+/)
          .includes('nodes'),
    );
}
