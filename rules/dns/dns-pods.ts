import type { RuleContext } from '../../src/engine/types';
import type { PodTemplate } from '../../src/model/pods';
import { policyEngine, type PolicyEngine } from '../../src/netpol/index';

/**
 * The cluster DNS pods (the DNS namespace and labels of the config) that some policy isolates for egress,
 * with the engine that decides their traffic; undefined when there are none.
 */
export function egressIsolatedDnsPods(
  ctx: RuleContext,
): { engine: PolicyEngine; pods: PodTemplate[] } | undefined {
  const { model, cluster } = ctx;
  const engine = policyEngine(model, cluster);
  if (engine.policies.length === 0) return undefined;
  const labels = Object.entries(cluster.dns.podLabels);
  const pods = model
    .podsIn(cluster.dns.namespace)
    .filter((p) => !p.hostNetwork && labels.every(([k, v]) => p.labels.get(k) === v))
    .filter((p) => engine.isolating(p, 'egress').length > 0);
  return pods.length > 0 ? { engine, pods } : undefined;
}
