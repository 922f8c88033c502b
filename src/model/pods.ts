import type { FieldPath } from '../load/types';
import { asArray, asNumber, asRecord, asString, asStringMap, getPath, isRecord } from '../util/values';
import { plainLabels, type LabelValue } from './labels';
import type { KObject } from './object';

export interface ContainerPort {
  name: string | undefined;
  containerPort: number | undefined;
  /** TCP when not given, as in the API. */
  protocol: string;
  /** True when the manifest did not write a protocol (so TCP is the API's default, not a statement). */
  protocolDefaulted: boolean;
  path: FieldPath;
}

export type ContainerRole = 'container' | 'init' | 'sidecar';

export interface Container {
  name: string;
  /**
   * `container` for `spec.containers`; `sidecar` for a native sidecar (an init container with
   * `restartPolicy: Always`, which keeps running beside the app and may serve traffic); `init` for
   * an ordinary init container, which has exited before the pod is Ready and so serves nothing.
   */
  role: ContainerRole;
  ports: ContainerPort[];
  raw: Record<string, unknown>;
  path: FieldPath;
}

/** The pods one workload (or operator-managed resource) creates, reduced to what networking needs. */
export interface PodTemplate {
  owner: KObject;
  namespace: string;
  labels: ReadonlyMap<string, LabelValue>;
  /** Path to the template's labels in the owner, for related locations. */
  labelsPath: FieldPath;
  /** Path to the pod spec in the owner; undefined when the pods come from an operator. */
  specPath: FieldPath | undefined;
  containers: Container[];
  hostNetwork: boolean;
  dnsPolicy: string | undefined;
  /** workload: a manifest; operator: a known operator's resource; config: declared in the config;
   * cluster: what the cluster runs that the input only implies (the DNS pods, modelled from the DNS
   * settings; cert-manager's HTTP-01 solver pods, from ACME issuers and their Certificates). */
  origin: 'workload' | 'operator' | 'config' | 'cluster';
  /** False when nothing is known about the containers and their ports (config pods, VMs). */
  portsKnown: boolean;
}

/** Where each built-in workload kind keeps its pod template. */
const TEMPLATE_PATHS: Record<string, FieldPath> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  // Workload kinds outside Kubernetes that embed a plain pod template.
  DeploymentConfig: ['spec', 'template'],
  Rollout: ['spec', 'template'],
};

const BUILTIN_WORKLOADS = [
  'Pod',
  'ReplicationController',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
];

// Built-in workload kinds are accepted under any of the built-in workload groups: a manifest that
// says `apiVersion: apps/v1` for a Pod is wrong, but its author means a Pod, and treating it as
// one keeps the findings about what they meant.
const WORKLOAD_GROUPS: Record<string, readonly string[]> = {
  '': BUILTIN_WORKLOADS,
  apps: BUILTIN_WORKLOADS,
  extensions: BUILTIN_WORKLOADS,
  batch: BUILTIN_WORKLOADS,
  'apps.openshift.io': ['DeploymentConfig'],
  'argoproj.io': ['Rollout'],
};

export function isWorkload(obj: KObject): boolean {
  return WORKLOAD_GROUPS[obj.group]?.includes(obj.kind) === true;
}

// The model keeps these lists and paths for every pod template: built at their exact size (concat,
// map, slice) rather than by spreading or pushing, which leaves V8 arrays room for 17 elements
// (about 150 bytes each, 2 MB per 10k documents; issue #22).
function readPorts(raw: unknown, path: FieldPath): ContainerPort[] {
  const out: ContainerPort[] = [];
  asArray(raw).forEach((p, i) => {
    if (!isRecord(p)) return;
    const cp = p['containerPort'];
    out.push({
      name: asString(p['name']),
      containerPort: asNumber(cp) ?? (typeof cp === 'string' && /^\d+$/.test(cp) ? Number(cp) : undefined),
      protocol: asString(p['protocol']) ?? 'TCP',
      protocolDefaulted: asString(p['protocol']) === undefined,
      path: path.concat(i),
    });
  });
  return out.slice();
}

export function readContainers(spec: Record<string, unknown>, specPath: FieldPath): Container[] {
  const out: Container[] = [];
  const add = (field: 'containers' | 'initContainers'): void => {
    asArray(spec[field]).forEach((c, i) => {
      if (!isRecord(c)) return;
      const path = specPath.concat(field, i);
      const role: ContainerRole =
        field === 'containers' ? 'container' : asString(c['restartPolicy']) === 'Always' ? 'sidecar' : 'init';
      out.push({
        name: asString(c['name']) ?? `#${i}`,
        role,
        ports: readPorts(c['ports'], path.concat('ports')),
        raw: c,
        path,
      });
    });
  };
  add('containers');
  add('initContainers');
  return out.slice();
}

const unknown: LabelValue = { unknown: true };

/**
 * Labels that controllers add to the pods they create, beyond the template's own. Selectors
 * written against them (Argo CD's HA Redis selects `statefulset.kubernetes.io/pod-name`) must
 * resolve. Values we cannot know offline (hashes, UIDs) match any requirement on them.
 */
function controllerLabels(obj: KObject): [string, LabelValue][] {
  switch (obj.kind) {
    case 'Deployment':
      return [['pod-template-hash', unknown]];
    case 'DeploymentConfig':
      return [
        ['deploymentconfig', obj.name],
        ['deployment', unknown],
      ];
    case 'Rollout':
      return [['rollouts-pod-template-hash', unknown]];
    case 'DaemonSet':
      return [
        ['controller-revision-hash', unknown],
        ['pod-template-generation', unknown],
      ];
    case 'StatefulSet': {
      // spec.replicas defaults to 1. Each ordinal's pod gets its own name label.
      const r = getPath(obj.raw, ['spec', 'replicas']);
      const replicas = r === undefined || r === null ? 1 : asNumber(r);
      const labels: [string, LabelValue][] = [['controller-revision-hash', unknown]];
      if (replicas === undefined || replicas > 1000) {
        labels.push(
          ['statefulset.kubernetes.io/pod-name', unknown],
          ['apps.kubernetes.io/pod-index', unknown],
        );
      } else {
        const ordinals = Array.from({ length: Math.max(0, Math.floor(replicas)) }, (_, i) => i);
        labels.push(
          ['statefulset.kubernetes.io/pod-name', { anyOf: ordinals.map((i) => `${obj.name}-${i}`) }],
          ['apps.kubernetes.io/pod-index', { anyOf: ordinals.map(String) }],
        );
      }
      return labels;
    }
    case 'Job': {
      const labels: [string, LabelValue][] = [
        ['job-name', obj.name],
        ['batch.kubernetes.io/job-name', obj.name],
        ['controller-uid', unknown],
        ['batch.kubernetes.io/controller-uid', unknown],
      ];
      if (getPath(obj.raw, ['spec', 'completionMode']) === 'Indexed') {
        labels.push(['batch.kubernetes.io/job-completion-index', unknown]);
      }
      return labels;
    }
    case 'CronJob':
      // Jobs of a CronJob are named `<cronjob>-<scheduled time>`: the name is known only at run time.
      return [
        ['job-name', unknown],
        ['batch.kubernetes.io/job-name', unknown],
        ['controller-uid', unknown],
        ['batch.kubernetes.io/controller-uid', unknown],
      ];
    default:
      return [];
  }
}

/** Reduces a built-in workload to its pod template; undefined for other kinds. */
export function workloadPodTemplate(obj: KObject): PodTemplate | undefined {
  if (!isWorkload(obj) || obj.namespace === undefined) return undefined;
  const templatePath = TEMPLATE_PATHS[obj.kind] as FieldPath;
  const template = templatePath.length ? asRecord(getPath(obj.raw, templatePath)) : obj.raw;
  const labelsPath = templatePath.concat('metadata', 'labels');
  const specPath = templatePath.concat('spec');
  const spec = asRecord(template?.['spec']) ?? {};
  const labels = plainLabels(asStringMap(getPath(obj.raw, labelsPath)));
  for (const [k, v] of controllerLabels(obj)) if (!labels.has(k)) labels.set(k, v);
  return {
    owner: obj,
    namespace: obj.namespace,
    labels,
    labelsPath,
    specPath,
    containers: readContainers(spec, specPath),
    hostNetwork: spec['hostNetwork'] === true,
    dnsPolicy: asString(spec['dnsPolicy']),
    origin: 'workload',
    portsKnown: true,
  };
}

/**
 * A pod the input does not define but traffic may come from (an ingress controller): labels and a
 * namespace, no containers. It is only ever a traffic source, never a location, so any object of
 * the model may stand as its owner.
 */
export function standInPod(owner: KObject, namespace: string, labels: Record<string, string>): PodTemplate {
  return {
    owner,
    namespace,
    labels: plainLabels(labels),
    labelsPath: [],
    specPath: undefined,
    containers: [],
    hostNetwork: false,
    dnsPolicy: undefined,
    origin: 'cluster',
    portsKnown: false,
  };
}

/**
 * Whether a container's command, args or env values mention a port number as a whole token
 * (`--webhook-port=9443`, `--metrics-bind-address=:8443`, `PORT=8080`). Declaring containerPort is
 * informational in the API, and many applications take their ports from flags or environment
 * variables: a number written there is as good as declared.
 */
export function mentionsPort(container: Container, port: number): boolean {
  const token = new RegExp(`(^|[^0-9])${port}([^0-9]|$)`);
  const texts: unknown[] = [...asArray(container.raw['command']), ...asArray(container.raw['args'])];
  for (const e of asArray(container.raw['env'])) if (isRecord(e)) texts.push(e['value']);
  return texts.some((t) => (typeof t === 'string' || typeof t === 'number') && token.test(String(t)));
}
