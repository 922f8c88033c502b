// Every policy dialect the engine evaluates, read into the one Policy shape. Rules and `reach` ask
// the engine; only dialect-specific checks (what one API server or agent rejects) read a dialect.
import type { Model } from '../model/model';
import { calicoPoliciesOf } from './calico';
import { ciliumPoliciesOf } from './cilium';
import { alwaysEnforcePolicy, enforcementMode } from './cilium-mode';
import { policiesOf, type Policy } from './policy';

const cache = new WeakMap<Model, Policy[]>();

/**
 * Kubernetes NetworkPolicies, then Cilium policies, then Calico ones (one per rule of `spec`/`specs`). A Cilium policy
 * with a rule the agent's sanitizing rejects is not imported at all (the agent parses every rule of
 * the object first), so none of its rules is enforced: it is left out (cilium-policy-invalid says why).
 */
export function allPoliciesOf(model: Model): Policy[] {
  let list = cache.get(model);
  if (!list) {
    const cilium = ciliumPoliciesOf(model);
    const rejected = new Set(cilium.filter((p) => p.errors.length).map((p) => p.obj));
    list = [...policiesOf(model), ...cilium.filter((p) => !rejected.has(p.obj))];
    // The Calico API server rejects an invalid policy whole (calico-policy-invalid says why).
    list.push(...calicoPoliciesOf(model).filter((p) => p.errors.length === 0));
    const { mode, obj } = enforcementMode(model);
    if (mode === 'always' && obj) list.push(alwaysEnforcePolicy(obj));
    cache.set(model, list);
  }
  return list;
}
