// API versions that Kubernetes has removed, for the kinds a networking linter reads or that carry
// pod templates, from the Kubernetes "Deprecated API Migration Guide" (kubernetes.io/docs/reference/
// using-api/deprecation-guide/). A manifest written against one is rejected by every cluster at or
// after that release ("no matches for kind ... in version ...").

export interface RemovedApi {
  /** The Kubernetes minor release that stopped serving it. */
  removedIn: string;
  /** The version to move to. */
  replacement: string;
}

const R = (removedIn: string, replacement: string): RemovedApi => ({ removedIn, replacement });

/** Keyed `apiVersion/Kind`. */
const REMOVED: Record<string, RemovedApi> = {
  'extensions/v1beta1/Deployment': R('1.16', 'apps/v1'),
  'extensions/v1beta1/DaemonSet': R('1.16', 'apps/v1'),
  'extensions/v1beta1/ReplicaSet': R('1.16', 'apps/v1'),
  'extensions/v1beta1/NetworkPolicy': R('1.16', 'networking.k8s.io/v1'),
  'extensions/v1beta1/PodSecurityPolicy': R('1.16', 'policy/v1beta1 (itself removed in 1.25)'),
  'apps/v1beta1/Deployment': R('1.16', 'apps/v1'),
  'apps/v1beta1/StatefulSet': R('1.16', 'apps/v1'),
  'apps/v1beta1/ReplicaSet': R('1.16', 'apps/v1'),
  'apps/v1beta2/Deployment': R('1.16', 'apps/v1'),
  'apps/v1beta2/StatefulSet': R('1.16', 'apps/v1'),
  'apps/v1beta2/DaemonSet': R('1.16', 'apps/v1'),
  'apps/v1beta2/ReplicaSet': R('1.16', 'apps/v1'),
  'extensions/v1beta1/Ingress': R('1.22', 'networking.k8s.io/v1'),
  'networking.k8s.io/v1beta1/Ingress': R('1.22', 'networking.k8s.io/v1'),
  'networking.k8s.io/v1beta1/IngressClass': R('1.22', 'networking.k8s.io/v1'),
  'batch/v1beta1/CronJob': R('1.25', 'batch/v1'),
  'discovery.k8s.io/v1beta1/EndpointSlice': R('1.25', 'discovery.k8s.io/v1'),
  'policy/v1beta1/PodDisruptionBudget': R('1.25', 'policy/v1'),
  'policy/v1beta1/PodSecurityPolicy': R('1.25', 'Pod Security Admission'),
  'autoscaling/v2beta1/HorizontalPodAutoscaler': R('1.25', 'autoscaling/v2'),
  'autoscaling/v2beta2/HorizontalPodAutoscaler': R('1.26', 'autoscaling/v2'),
};

export function removedApi(apiVersion: string, kind: string): RemovedApi | undefined {
  return REMOVED[`${apiVersion}/${kind}`];
}

/**
 * Whether a workload's API version defaulted spec.selector to the pod template labels:
 * extensions/v1beta1 and apps/v1beta1 did; apps/v1beta2 stopped (kubernetes/kubernetes#50164) and
 * apps/v1 requires the selector.
 */
export function defaultsSelectorFromTemplate(apiVersion: string): boolean {
  return apiVersion === 'extensions/v1beta1' || apiVersion === 'apps/v1beta1';
}
