// The labels Calico matches selectors against: a pod's own labels plus the ones Calico adds to
// every workload endpoint, and a namespace's labels plus projectcalico.org/name (Calico docs,
// NetworkPolicy selectors: "projectcalico.org/namespace", "projectcalico.org/serviceaccount",
// "projectcalico.org/orchestrator"; namespace labels are inherited through the namespace profile
// with the `pcns.` prefix, service account labels with `pcsa.`).
import type { LabelValue } from '../model/labels';
import type { Model } from '../model/model';
import type { PodTemplate } from '../model/pods';
import { asString, getPath } from '../util/values';

/** The pod's service account: spec.serviceAccountName, else the namespace's `default`. */
export function serviceAccountOf(pod: PodTemplate): string {
  const name = pod.specPath
    ? asString(getPath(pod.owner.raw, [...pod.specPath, 'serviceAccountName']))
    : undefined;
  return name || 'default';
}

/** Labels of a ServiceAccount of the input; undefined when the input does not define it. */
export function serviceAccountLabels(
  model: Model,
  namespace: string,
  name: string,
): Map<string, string> | undefined {
  const sa = model.ofKind('', 'ServiceAccount').find((o) => o.namespace === namespace && o.name === name);
  return sa ? new Map(Object.entries(sa.labels)) : undefined;
}

/** Namespace labels as a namespaceSelector sees them. */
export function calicoNamespaceLabels(model: Model, namespace: string): Map<string, LabelValue> {
  return new Map<string, LabelValue>([
    ...Object.entries(model.namespaceLabels(namespace)),
    ['projectcalico.org/name', namespace],
  ]);
}

const cache = new WeakMap<PodTemplate, Map<string, LabelValue>>();

/** Workload endpoint labels of a pod as Calico's selectors see them. */
export function calicoEndpointLabels(model: Model, pod: PodTemplate): Map<string, LabelValue> {
  let labels = cache.get(pod);
  if (!labels) {
    const sa = serviceAccountOf(pod);
    labels = new Map<string, LabelValue>(pod.labels);
    for (const [k, v] of Object.entries(model.namespaceLabels(pod.namespace))) labels.set(`pcns.${k}`, v);
    for (const [k, v] of serviceAccountLabels(model, pod.namespace, sa) ?? []) labels.set(`pcsa.${k}`, v);
    labels.set('projectcalico.org/namespace', pod.namespace);
    labels.set('projectcalico.org/orchestrator', 'k8s');
    labels.set('projectcalico.org/serviceaccount', sa);
    cache.set(pod, labels);
  }
  return labels;
}
