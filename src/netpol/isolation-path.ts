import type { FieldPath } from '../load/types';
import type { Policy } from './policy';

/**
 * Where a policy puts its pods in egress default deny, for a finding to point at: the field that
 * asks for it when written (Kubernetes policyTypes, Calico types, Cilium enableDefaultDeny), else the
 * egress section whose presence makes the direction isolated; a Cilium agent mode (the cilium-config
 * ConfigMap, see cilium-mode.ts) at its key. One answer for every rule that reports an egress
 * isolation, in every dialect.
 */
export function egressIsolationPath(policy: Policy): FieldPath {
  if (policy.obj.kind === 'ConfigMap') return policy.specPath;
  if (policy.dialect === 'kubernetes')
    return [...policy.specPath, policy.explicitTypes ? 'policyTypes' : 'egress'];
  if (policy.dialect === 'calico') return [...policy.specPath, policy.explicitTypes ? 'types' : 'egress'];
  if (policy.explicitTypes) return [...policy.specPath, 'enableDefaultDeny'];
  return [...policy.specPath, policy.egressRules[0]?.deny ? 'egressDeny' : 'egress'];
}
