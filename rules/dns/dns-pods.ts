import type { RuleContext } from '../../src/engine/types';
import type { PodTemplate } from '../../src/model/pods';
import type { PolicyEngine } from '../../src/netpol/index';

/** The cluster DNS pods (the DNS namespace and labels of the config) that some policy isolates for egress. */
export function egressIsolatedDnsPods(ctx: RuleContext, engine: PolicyEngine): PodTemplate[] {
  const { model, cluster } = ctx;
  const labels = Object.entries(cluster.dns.podLabels);
  return model
    .podsIn(cluster.dns.namespace)
    .filter((p) => !p.hostNetwork && labels.every(([k, v]) => p.labels.get(k) === v))
    .filter((p) => engine.isolating(p, 'egress').length > 0);
}
