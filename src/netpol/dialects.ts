// Every policy dialect the engine evaluates, read into the one Policy shape. Rules and `reach` ask
// the engine; only dialect-specific checks (what one API server or agent rejects) read a dialect.
import type { Model } from '../model/model';
import { ciliumPoliciesOf } from './cilium';
import { policiesOf, type Policy } from './policy';

const cache = new WeakMap<Model, Policy[]>();

/** Kubernetes NetworkPolicies, then Cilium policies (one per rule of `spec`/`specs`). */
export function allPoliciesOf(model: Model): Policy[] {
  let list = cache.get(model);
  if (!list) {
    list = [...policiesOf(model), ...ciliumPoliciesOf(model)];
    cache.set(model, list);
  }
  return list;
}
