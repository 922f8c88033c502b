import type { ClusterSettings } from '../config/types';
import type { Model } from '../model/model';
import { PolicyEngine } from './engine';

const engines = new WeakMap<Model, PolicyEngine>();

/** One policy engine per model, shared by every rule of a run. */
export function policyEngine(model: Model, cluster: ClusterSettings): PolicyEngine {
  let e = engines.get(model);
  if (!e) {
    e = new PolicyEngine(model, cluster);
    engines.set(model, e);
  }
  return e;
}

export { ipEndpoint, PolicyEngine } from './engine';
export { egressIsolationPath } from './isolation-path';
export type { Decision, Endpoint, IpEndpoint, SideDecision, Traffic } from './engine';
export type { Peer, Policy, PolicyRule, PortSpec } from './policy';
