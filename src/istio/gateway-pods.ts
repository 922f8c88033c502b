// The pods an Istio Gateway programs: its `selector` matches pod labels in every namespace (Istio API
// reference, Gateway.selector: "the search is restricted to the same namespace as the resource" only
// when istiod runs with PILOT_SCOPE_GATEWAY_TO_NAMESPACE, off by default).
import type { Model } from '../model/model';
import { selectorFromMap, type Selector } from '../model/labels';
import type { PodTemplate } from '../model/pods';
import { nearestGroup } from '../model/proximity';
import { asStringMap, getPath } from '../util/values';
import type { NamespacedObject } from './resources';

/** The Gateway's selector, or undefined when it has none (an empty selector is not read here). */
export function gatewaySelector(gw: NamespacedObject): Selector | undefined {
  const labels = asStringMap(getPath(gw.raw, ['spec', 'selector']));
  return Object.keys(labels).length ? selectorFromMap(labels) : undefined;
}

/**
 * The pods of the input the Gateway's selector matches, in any namespace; of several installs side
 * by side in a repository, the nearest ones (proximity.ts).
 */
export function gatewayPods(model: Model, gw: NamespacedObject): PodTemplate[] {
  const sel = gatewaySelector(gw);
  const pods = sel ? model.selectPodsAnywhere(sel).filter((p) => p.origin !== 'cluster') : [];
  return nearestGroup(pods, (p) => p.owner, gw);
}

/**
 * Whether a pod of the input looks like an Istio gateway deployment: the proxy image (`proxyv2`),
 * a gateway label of the charts (`istio: <x>gateway`) or of automated deployment
 * (`istio.io/gateway-name`, `gateway.istio.io/managed`).
 */
export function looksLikeGatewayPod(pod: PodTemplate): boolean {
  const istio = pod.labels.get('istio');
  if (typeof istio === 'string' && istio.endsWith('gateway')) return true;
  if (pod.labels.has('istio.io/gateway-name') || pod.labels.has('gateway.istio.io/managed')) return true;
  return pod.containers.some((c) => {
    const image = c.raw['image'];
    return typeof image === 'string' && /(^|\/)proxyv2(:|@|$)/.test(image);
  });
}
