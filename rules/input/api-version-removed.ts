import type { Rule } from '../../src/engine/types';
import { removedApi } from '../../src/model/removed-apis';

export const apiVersionRemoved: Rule = {
  meta: {
    id: 'api-version-removed',
    description: 'The object uses an API version Kubernetes no longer serves',
    details:
      'Reports Deployments, DaemonSets, ReplicaSets, StatefulSets, NetworkPolicies, Ingresses, IngressClasses, ' +
      'CronJobs, EndpointSlices, PodDisruptionBudgets and HorizontalPodAutoscalers written against an API version ' +
      'that Kubernetes has removed (extensions/v1beta1, apps/v1beta1 and apps/v1beta2 in 1.16; the v1beta1 ' +
      'Ingress APIs in 1.22; batch/v1beta1, discovery.k8s.io/v1beta1, policy/v1beta1 and autoscaling/v2beta1 ' +
      'in 1.25; autoscaling/v2beta2 in 1.26), naming the version to move to. The other rules still read the ' +
      "object with that version's semantics (a legacy Deployment's selector defaults to its template labels).",
    severity: 'error',
    tags: ['input', 'api'],
    docs: {
      why:
        'The API server of every release at or after the removal answers such a manifest with "no matches for kind", ' +
        'so the object is never created: kubectl apply fails, or a GitOps tool reports the sync as failed while the ' +
        'rest of the application runs without it.',
      symptoms: [
        'error: resource mapping not found for name: "web" namespace: "" from "web.yaml": no matches for kind "Deployment" in version "extensions/v1beta1"',
        'ensure CRDs are installed first',
        'unable to recognize "ingress.yaml": no matches for kind "Ingress" in version "networking.k8s.io/v1beta1"',
      ],
      fix:
        'Move to the named version (kubectl convert can help). For apps/v1 workloads add spec.selector; for ' +
        'networking.k8s.io/v1 Ingresses write backend.service.name/port and a pathType on each path.',
      example: {
        bad: 'apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: [{name: web, image: nginx}]\n',
        good: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: [{name: web, image: nginx}]\n',
      },
    },
  },
  check(ctx) {
    for (const obj of ctx.model.objects) {
      const removed = removedApi(obj.apiVersion, obj.kind);
      if (!removed) continue;
      ctx.report({
        object: obj,
        path: ['apiVersion'],
        message: `${obj.kind} ${obj.name} uses ${obj.apiVersion}, which Kubernetes removed in ${removed.removedIn}: clusters since then reject it ("no matches for kind ${obj.kind} in version ${obj.apiVersion}"). Use ${removed.replacement}.`,
      });
    }
  },
};
