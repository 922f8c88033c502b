import type { PodTemplate } from '../model/pods';
import type { Model } from '../model/model';
import type { Related } from './types';

/**
 * The workloads behind some pods, once each, as related locations (their pod labels). Incremental
 * modes keep a finding when any related object lies in a changed file, so a rule lists the pods it
 * depends on here. Modelled cluster pods (no file) are left out; the list is capped so a finding
 * about a large namespace stays readable.
 */
export function podOwners(
  pods: readonly PodTemplate[],
  message: (pod: PodTemplate) => string,
  limit = 20,
): Related[] {
  const seen = new Set<string>();
  const out: Related[] = [];
  for (const pod of pods) {
    if (pod.origin === 'cluster' || seen.has(pod.owner.id)) continue;
    seen.add(pod.owner.id);
    out.push({ object: pod.owner, path: pod.labelsPath, message: message(pod) });
    if (out.length >= limit) break;
  }
  return out;
}

/** The workloads behind some pods for a message, once each: "Deployment a, Deployment b and 3 more". */
export function ownerList(pods: readonly PodTemplate[], max = 3): string {
  const names = [...new Set(pods.map((p) => `${p.owner.kind} ${p.owner.name}`))];
  return names.length <= max
    ? names.join(', ')
    : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** The Services of a namespace (a reference to a missing one depends on them: one may have been renamed). */
export function servicesIn(model: Model, namespace: string, limit = 10): Related[] {
  return model
    .ofKind('', 'Service')
    .filter((s) => s.namespace === namespace)
    .slice(0, limit)
    .map((s) => ({ object: s, path: ['metadata', 'name'], message: `Service ${s.id}` }));
}
