// Cilium's view of labels: selectors name label keys with a source prefix, and every pod endpoint
// carries labels the agent derives from Kubernetes (namespace, service account, namespace labels).
import type { Requirement, Selector } from '../model/labels';
import type { LabelValue, PodLabels } from '../model/labels';
import type { Model } from '../model/model';
import type { PodTemplate } from '../model/pods';
import { asRecord, asString } from '../util/values';

/** `k8s:io.kubernetes.pod.namespace` without its source: the namespace of a pod endpoint. */
export const POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const SERVICE_ACCOUNT = 'io.cilium.k8s.policy.serviceaccount';
export const CLUSTER_NAME = 'io.cilium.k8s.policy.cluster';
/** Each label of the pod's namespace appears on the endpoint under this prefix. */
export const NAMESPACE_LABELS = 'io.cilium.k8s.namespace.labels.';

/**
 * A selector key as it matches a pod endpoint. Cilium reads `source:key`; a key without a source
 * means `any:` (api.NewESFromK8sLabelSelector), and every label of a pod endpoint has the `k8s`
 * source, so `k8s:`, `any:` and no prefix match the same pod label. `reserved:` keys name the
 * identities of entities (reserved:host, reserved:world...) and keep their prefix; other sources
 * (container:, cidr:, unspec:) match no pod endpoint and keep theirs too.
 */
export function ciliumKey(key: string): string {
  if (key.startsWith('k8s:')) return key.slice(4);
  if (key.startsWith('any:')) return key.slice(4);
  return key;
}

/** Labels the agent derives for every pod endpoint (the `k8s:` source prefix aside). */
const DERIVED = [POD_NAMESPACE, SERVICE_ACCOUNT, CLUSTER_NAME];

const letters = (s: string) => s.replace(/[^a-z]/g, '');

/**
 * The derived label a key was meant to be: same letters, other punctuation (k8s.io... for
 * k8s:io...). No endpoint carries the mistyped key, so a selector requiring it matches nothing.
 */
export function derivedLabelMeant(key: string): string | undefined {
  if (DERIVED.includes(key)) return undefined;
  const l = letters(key);
  return DERIVED.find((d) => l === letters(d) || l === `ks${letters(d)}`);
}

export function normalizeSelector(sel: Selector): Selector {
  return {
    requirements: sel.requirements.map((r) => ({ ...r, key: ciliumKey(r.key) })),
    errors: sel.errors,
  };
}

export function hasKey(sel: Selector, key: string): boolean {
  return sel.requirements.some((r) => r.key === key);
}

export function hasKeyPrefix(sel: Selector, prefix: string): boolean {
  return sel.requirements.some((r) => r.key.startsWith(prefix));
}

export function withRequirement(sel: Selector, req: Requirement): Selector {
  return { requirements: [...sel.requirements, req], errors: sel.errors };
}

const UNKNOWN: LabelValue = { unknown: true };

function serviceAccountOf(pod: PodTemplate): LabelValue {
  if (!pod.specPath) return UNKNOWN;
  let spec: Record<string, unknown> | undefined = pod.owner.raw;
  for (const k of pod.specPath) spec = asRecord(spec?.[k as string]);
  if (!spec) return UNKNOWN;
  return asString(spec['serviceAccountName']) ?? asString(spec['serviceAccount']) ?? 'default';
}

const cache = new WeakMap<PodTemplate, PodLabels>();

/**
 * The labels of a pod's Cilium endpoint: the pod's labels, its namespace, service account and
 * cluster name, and its namespace's labels under io.cilium.k8s.namespace.labels. (Cilium docs,
 * "Using Kubernetes Constructs In Policy"). The cluster name is configuration we do not read: any.
 */
export function endpointLabels(model: Model, pod: PodTemplate): PodLabels {
  let labels = cache.get(pod);
  if (!labels) {
    const m = new Map<string, LabelValue>(pod.labels);
    m.set(POD_NAMESPACE, pod.namespace);
    m.set(SERVICE_ACCOUNT, serviceAccountOf(pod));
    m.set(CLUSTER_NAME, UNKNOWN);
    for (const [k, v] of Object.entries(model.namespaceLabels(pod.namespace))) m.set(NAMESPACE_LABELS + k, v);
    labels = m;
    cache.set(pod, labels);
  }
  return labels;
}
