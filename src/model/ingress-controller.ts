// The ingress controller behind an Ingress: where its pods run and with which labels. Shared by the
// lint rule ingress-backend-blocked and the `reach` map, so both see the same controller.
import type { ClusterSettings } from '../config/types';
import { ingressClassOf } from './ingress';
import { selectorFromMap } from './labels';
import type { Model } from './model';
import type { KObject } from './object';
import { standInPod, type PodTemplate } from './pods';
import { asRecord, asString } from '../util/values';

export interface IngressController {
  namespace: string;
  labels: Record<string, string>;
}

/**
 * Where well-known controllers run, by IngressClass spec.controller (each project's default
 * install: its Helm chart's namespace and the controller pods' labels).
 */
export const KNOWN_CONTROLLERS: Readonly<Record<string, IngressController>> = {
  'k8s.io/ingress-nginx': {
    namespace: 'ingress-nginx',
    labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
  },
  'traefik.io/ingress-controller': { namespace: 'traefik', labels: { 'app.kubernetes.io/name': 'traefik' } },
  'haproxy.org/ingress-controller': {
    namespace: 'haproxy-controller',
    labels: { 'app.kubernetes.io/name': 'kubernetes-ingress' },
  },
  'projectcontour.io/contour': { namespace: 'projectcontour', labels: { app: 'envoy' } },
  'istio.io/ingress-controller': { namespace: 'istio-system', labels: { istio: 'ingressgateway' } },
};

/** IngressClass name → spec.controller, for the classes in the input. */
export function ingressClassControllers(model: Model): Map<string, string | undefined> {
  return new Map(
    model
      .ofKind('networking.k8s.io', 'IngressClass')
      .map((c) => [c.name, asString(asRecord(c.raw['spec'])?.['controller'])]),
  );
}

/**
 * The controller serving an Ingress: cluster.ingressController from the config when set, else the
 * known install named by its IngressClass's controller (no class, or class `nginx`, is taken as
 * ingress-nginx). Undefined when the controller is unknown: the input cannot say where it runs.
 */
export function ingressControllerFor(
  model: Model,
  cluster: ClusterSettings,
  ingress: KObject,
  classes: Map<string, string | undefined> = ingressClassControllers(model),
): IngressController | undefined {
  return controllerForClass(cluster, ingressClassOf(ingress)?.name, classes);
}

/** The controller serving an ingress class name (undefined: no class), as for an Ingress of that class. */
export function controllerForClass(
  cluster: ClusterSettings,
  cls: string | undefined,
  classes: Map<string, string | undefined>,
): IngressController | undefined {
  if (cluster.ingressController)
    return { namespace: cluster.ingressController.namespace, labels: cluster.ingressController.podLabels };
  const name =
    (cls && classes.get(cls)) ?? (cls === 'nginx' || cls === undefined ? 'k8s.io/ingress-nginx' : undefined);
  return name ? KNOWN_CONTROLLERS[name] : undefined;
}

/**
 * The controller's pods: those in the input with its labels, else one stand-in pod with its labels
 * in its namespace (which carries the automatic kubernetes.io/metadata.name label, so a policy
 * admitting `namespaceSelector: {kubernetes.io/metadata.name: ingress-nginx}` + podSelector matches).
 */
export function ingressControllerPods(
  model: Model,
  controller: IngressController,
): { pods: PodTemplate[]; standIn: boolean } {
  const real = model.selectPodsAnywhere(selectorFromMap(controller.labels));
  if (real.length) return { pods: real, standIn: false };
  const owner = model.objects[0];
  return { pods: owner ? [standInPod(owner, controller.namespace, controller.labels)] : [], standIn: true };
}
