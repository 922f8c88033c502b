// Whether Istio serves a pod: sidecar injection (namespace label `istio-injection=enabled` or a
// revision label `istio.io/rev`, the pod's `sidecar.istio.io/inject` label or annotation) or ambient
// mode (`istio.io/dataplane-mode=ambient`). Istio docs, "Installing the sidecar": the pod's
// `sidecar.istio.io/inject` wins over the namespace label; `istio-injection` wins over `istio.io/rev`.
import type { Model } from '../model/model';
import type { PodTemplate } from '../model/pods';
import { asStringMap, getPath } from '../util/values';

export type MeshMembership = 'mesh' | 'outside' | 'unknown';

interface PodMeta {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Read once per pod: every Istio rule asks for every pod (the maps are shared: do not change them). */
const metas = new WeakMap<PodTemplate, PodMeta>();

function podMeta(pod: PodTemplate): PodMeta {
  let known = metas.get(pod);
  if (!known) {
    const meta = pod.labelsPath.slice(0, -1);
    known = {
      labels: asStringMap(getPath(pod.owner.raw, [...meta, 'labels'])),
      annotations: asStringMap(getPath(pod.owner.raw, [...meta, 'annotations'])),
    };
    metas.set(pod, known);
  }
  return known;
}

/** Mesh membership of a namespace, from its labels when the input defines it. */
export function namespaceMembership(model: Model, namespace: string): MeshMembership {
  const info = model.namespaces.get(namespace);
  if (!info?.object) return 'unknown';
  const l = info.labels;
  if (l['istio.io/dataplane-mode'] === 'ambient') return 'mesh';
  if (l['istio-injection'] === 'enabled') return 'mesh';
  if (l['istio-injection'] === 'disabled') return 'outside';
  if (l['istio.io/rev'] !== undefined) return 'mesh';
  return 'outside';
}

/** Mesh membership of a pod: its own inject setting, else its namespace's. */
export function podMembership(model: Model, pod: PodTemplate): MeshMembership {
  const { labels, annotations } = podMeta(pod);
  const inject = labels['sidecar.istio.io/inject'] ?? annotations['sidecar.istio.io/inject'];
  if (inject === 'false') return 'outside';
  if (labels['istio.io/dataplane-mode'] === 'none') return 'outside';
  if (inject === 'true') return 'mesh';
  return namespaceMembership(model, pod.namespace);
}

/**
 * Whether the pod gets Istio's sidecar (ambient pods have none: ztunnel on the node talks to
 * istiod for them). Its own `sidecar.istio.io/inject` wins over the namespace's labels.
 */
export function sidecarInjected(model: Model, pod: PodTemplate): MeshMembership {
  const { labels, annotations } = podMeta(pod);
  const inject = labels['sidecar.istio.io/inject'] ?? annotations['sidecar.istio.io/inject'];
  if (inject === 'false' || pod.hostNetwork) return 'outside';
  if (inject === 'true') return 'mesh';
  const info = model.namespaces.get(pod.namespace);
  if (!info?.object) return 'unknown';
  const l = info.labels;
  if (l['istio-injection'] === 'enabled') return 'mesh';
  if (l['istio-injection'] === 'disabled' || l['istio.io/dataplane-mode'] === 'ambient') return 'outside';
  return l['istio.io/rev'] !== undefined ? 'mesh' : 'outside';
}

/**
 * Whether the pod is in ambient mode: its own `istio.io/dataplane-mode=ambient` label, or its
 * namespace's, unless it opts out (`none`) or gets a sidecar (a sidecar wins over ambient).
 */
export function isAmbient(model: Model, pod: PodTemplate): boolean {
  const { labels } = podMeta(pod);
  const own = labels['istio.io/dataplane-mode'];
  if (own === 'none' || sidecarInjected(model, pod) === 'mesh') return false;
  if (own === 'ambient') return true;
  return model.namespaces.get(pod.namespace)?.labels['istio.io/dataplane-mode'] === 'ambient';
}
