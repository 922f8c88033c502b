// Pods that custom resources ask their operators to create. Many CRDs embed ordinary pod templates
// (KubeRay's headGroupSpec.template and workerGroupSpecs[].template, LeaderWorkerSet's
// leaderTemplate/workerTemplate, Knative's spec.template, CloudNativePG's Pooler spec.template); the
// operator copies their labels onto the pods and adds its own. We find such templates at any depth
// instead of listing every CRD, and add the controller labels that the projects document.
import type { FieldPath } from '../load/types';
import { asArray, asStringMap, getPath, isRecord } from '../util/values';
import { plainLabels, type LabelValue } from './labels';
import type { KObject } from './object';
import { readContainers, type PodTemplate } from './pods';

const unknown: LabelValue = { unknown: true };

interface CustomKind {
  /** Labels the operator sets on every pod it creates for the resource. */
  labels: (obj: KObject) => [string, LabelValue][];
  /** True when the operator creates pods although the resource holds no pod template. */
  podsWithoutTemplate?: boolean;
}

/**
 * Controller labels, keyed `group/Kind`, each from the project's own source or docs:
 * - KubeRay (ray-operator/controllers/ray/utils/constant.go): `ray.io/cluster` is the RayCluster's
 *   name, `ray.io/node-type` head or worker, `ray.io/group` the worker group. RayJob and RayService
 *   create RayClusters with generated names, so their cluster label is known only at run time.
 * - LeaderWorkerSet (api/leaderworkerset/v1): `leaderworkerset.sigs.k8s.io/name` is the set's name;
 *   group and worker indexes vary per pod.
 * - CloudNativePG (docs, "Labels and annotations"): `cnpg.io/cluster` names the Cluster on its
 *   instance pods; `cnpg.io/poolerName` the Pooler on PgBouncer pods. A Cluster has no template.
 */
const CUSTOM_KINDS: Record<string, CustomKind> = {
  'ray.io/RayCluster': {
    labels: (o) => [
      ['ray.io/cluster', o.name],
      ['ray.io/node-type', { anyOf: ['head', 'worker'] }],
      ['ray.io/group', unknown],
      ['ray.io/identifier', unknown],
    ],
  },
  'ray.io/RayJob': { labels: rayGenerated },
  'ray.io/RayService': { labels: rayGenerated },
  'ray.io/RayCronJob': { labels: rayGenerated },
  'leaderworkerset.x-k8s.io/LeaderWorkerSet': {
    labels: (o) => [
      ['leaderworkerset.sigs.k8s.io/name', o.name],
      ['leaderworkerset.sigs.k8s.io/group-index', unknown],
      ['leaderworkerset.sigs.k8s.io/worker-index', unknown],
      ['leaderworkerset.sigs.k8s.io/group-key', unknown],
    ],
  },
  'postgresql.cnpg.io/Cluster': {
    podsWithoutTemplate: true,
    labels: (o) => [
      ['cnpg.io/cluster', o.name],
      ['cnpg.io/podRole', 'instance'],
      ['cnpg.io/instanceName', unknown],
      ['cnpg.io/instanceRole', unknown],
      ['role', unknown],
    ],
  },
  'postgresql.cnpg.io/Pooler': {
    podsWithoutTemplate: true,
    labels: (o) => [
      ['cnpg.io/poolerName', o.name],
      ['cnpg.io/podRole', 'pooler'],
    ],
  },
};

function rayGenerated(): [string, LabelValue][] {
  return [
    ['ray.io/cluster', unknown],
    ['ray.io/node-type', { anyOf: ['head', 'worker'] }],
    ['ray.io/group', unknown],
    ['ray.io/identifier', unknown],
  ];
}

/** Deep enough for every CRD we know (KubeRay's worker templates sit at depth 4). */
const MAX_DEPTH = 8;

/** Pod templates inside a custom resource: records whose `spec.containers` is a list of containers. */
export function findPodTemplates(raw: Record<string, unknown>): FieldPath[] {
  const out: FieldPath[] = [];
  const walk = (value: unknown, path: FieldPath, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, [...path, i], depth + 1));
      return;
    }
    if (!isRecord(value)) return;
    const containers = getPath(value, ['spec', 'containers']);
    if (Array.isArray(containers) && containers.some(isRecord)) {
      out.push(path);
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      if (path.length === 0 && (k === 'metadata' || k === 'status')) continue;
      walk(v, [...path, k], depth + 1);
    }
  };
  walk(raw['spec'], ['spec'], 0);
  return out;
}

/**
 * The pods a custom resource may create: one per embedded pod template, with the template's labels
 * and the operator's documented ones; for known kinds without a template, one pod with the
 * operator's labels. Their containers are listed but not taken as complete (operators add ports
 * and sidecars), so port checks do not judge them.
 */
export function customResourcePods(obj: KObject): PodTemplate[] {
  if (obj.namespace === undefined) return [];
  const known = CUSTOM_KINDS[`${obj.group}/${obj.kind}`];
  const extra = known?.labels(obj) ?? [];
  const pods: PodTemplate[] = [];
  const make = (labelsPath: FieldPath, specPath: FieldPath | undefined, labels: Record<string, string>) => {
    const map = plainLabels(labels);
    for (const [k, v] of extra) if (!map.has(k)) map.set(k, v);
    const spec = specPath ? getPath(obj.raw, specPath) : undefined;
    pods.push({
      owner: obj,
      namespace: obj.namespace as string,
      labels: map,
      labelsPath,
      specPath,
      containers: isRecord(spec) && specPath ? readContainers(spec, specPath) : [],
      hostNetwork: isRecord(spec) && spec['hostNetwork'] === true,
      dnsPolicy: undefined,
      origin: 'operator',
      portsKnown: false,
    });
  };
  for (const path of findPodTemplates(obj.raw)) {
    const labelsPath = [...path, 'metadata', 'labels'];
    make(labelsPath, [...path, 'spec'], asStringMap(getPath(obj.raw, labelsPath)));
  }
  if (pods.length === 0 && known?.podsWithoutTemplate) {
    make(
      ['metadata', 'labels'],
      undefined,
      asStringMap(getPath(obj.raw, ['spec', 'inheritedMetadata', 'labels'])),
    );
  }
  return pods;
}

/**
 * Label keys that operators set on the pods of their resources, with the resource name as value,
 * and the kind they name. A selector on one of them selects an operator's pods, which exist only
 * where that resource does: the input that lacks the resource cannot judge the selector. Sources:
 * prometheus-operator (pkg/prometheus, pkg/alertmanager, pkg/thanos), KubeVirt, and the projects
 * listed at CUSTOM_KINDS.
 */
export const OPERATOR_LABEL_KEYS: Record<string, { kinds: string[]; operator: string }> = {
  prometheus: { kinds: ['Prometheus'], operator: 'prometheus-operator' },
  'operator.prometheus.io/name': {
    kinds: ['Prometheus', 'PrometheusAgent'],
    operator: 'prometheus-operator',
  },
  alertmanager: { kinds: ['Alertmanager'], operator: 'prometheus-operator' },
  'thanos-ruler': { kinds: ['ThanosRuler'], operator: 'prometheus-operator' },
  'vm.kubevirt.io/name': { kinds: ['VirtualMachine'], operator: 'KubeVirt' },
  'ray.io/cluster': { kinds: ['RayCluster'], operator: 'KubeRay' },
  'leaderworkerset.sigs.k8s.io/name': { kinds: ['LeaderWorkerSet'], operator: 'LeaderWorkerSet' },
  'cnpg.io/cluster': { kinds: ['Cluster'], operator: 'CloudNativePG' },
  'cnpg.io/poolerName': { kinds: ['Pooler'], operator: 'CloudNativePG' },
};

/**
 * Name suffixes of the Services operators create for their resources (`<name><suffix>`), from the
 * projects' docs: KubeRay's head Service (`raycluster-kuberay-head-svc`), ECK's HTTP Services
 * (`quickstart-es-http`, `quickstart-kb-http`). A missing Service named so is most likely made by
 * the operator for a resource outside the input.
 */
export const OPERATOR_SERVICE_SUFFIXES: Record<string, string> = {
  '-head-svc': 'KubeRay for the head of a RayCluster',
  '-es-http': 'ECK for an Elasticsearch',
  '-kb-http': 'ECK for a Kibana',
  '-ent-http': 'ECK for an Enterprise Search',
  '-apm-http': 'ECK for an APM Server',
};

/**
 * Pods of the Experiments an Argo Rollout's canary steps start: each experiment template runs a
 * ReplicaSet of the Rollout's pod spec (specRef) whose metadata.labels replace the template's
 * labels (Argo Rollouts docs, "Experiment step": "selector and metadata are overwritten").
 */
export function rolloutExperimentPods(obj: KObject, base: PodTemplate): PodTemplate[] {
  if (obj.group !== 'argoproj.io' || obj.kind !== 'Rollout') return [];
  const out: PodTemplate[] = [];
  asArray(getPath(obj.raw, ['spec', 'strategy', 'canary', 'steps'])).forEach((step, i) => {
    asArray(getPath(step, ['experiment', 'templates'])).forEach((t, j) => {
      const labelsPath = [
        'spec',
        'strategy',
        'canary',
        'steps',
        i,
        'experiment',
        'templates',
        j,
        'metadata',
        'labels',
      ];
      const labels = asStringMap(getPath(obj.raw, labelsPath));
      if (Object.keys(labels).length === 0) return;
      out.push({ ...base, labels: plainLabels(labels), labelsPath, origin: 'operator' });
    });
  });
  return out;
}
