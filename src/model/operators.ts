import { asRecord, asStringMap, getPath, asNumber } from '../util/values';
import { plainLabels, type LabelValue } from './labels';
import type { KObject } from './object';
import type { Container, PodTemplate } from './pods';

interface OperatorKind {
  /** Labels the operator puts on every pod, given the resource name. */
  labels: (name: string) => Record<string, string>;
  /** Name of the StatefulSet the operator creates. */
  statefulSet: (name: string) => string;
  /** Containers and ports the operator's pods have. */
  containers: { name: string; ports: [string, number, string][] }[];
}

const reloader = {
  name: 'config-reloader',
  ports: [['reloader-web', 8080, 'TCP']] as [string, number, string][],
};

/**
 * Operators known to create pods from custom resources, keyed `group/Kind`. The labels are those
 * prometheus-operator sets on the StatefulSet pods it manages (pkg/prometheus, pkg/alertmanager,
 * pkg/thanos in its source); `spec.podMetadata.labels` adds to them.
 */
const OPERATORS: Record<string, OperatorKind> = {
  'monitoring.coreos.com/Prometheus': {
    labels: (name) => ({
      'app.kubernetes.io/name': 'prometheus',
      'app.kubernetes.io/managed-by': 'prometheus-operator',
      'app.kubernetes.io/instance': name,
      'operator.prometheus.io/name': name,
      'operator.prometheus.io/shard': '0',
      prometheus: name,
    }),
    statefulSet: (name) => `prometheus-${name}`,
    containers: [{ name: 'prometheus', ports: [['web', 9090, 'TCP']] }, reloader],
  },
  'monitoring.coreos.com/Alertmanager': {
    labels: (name) => ({
      'app.kubernetes.io/name': 'alertmanager',
      'app.kubernetes.io/managed-by': 'prometheus-operator',
      'app.kubernetes.io/instance': name,
      alertmanager: name,
    }),
    statefulSet: (name) => `alertmanager-${name}`,
    containers: [
      {
        name: 'alertmanager',
        ports: [
          ['web', 9093, 'TCP'],
          ['mesh-tcp', 9094, 'TCP'],
          ['mesh-udp', 9094, 'UDP'],
        ],
      },
      reloader,
    ],
  },
  'monitoring.coreos.com/ThanosRuler': {
    labels: (name) => ({
      'app.kubernetes.io/name': 'thanos-ruler',
      'app.kubernetes.io/managed-by': 'prometheus-operator',
      'app.kubernetes.io/instance': name,
      'thanos-ruler': name,
    }),
    statefulSet: (name) => `thanos-ruler-${name}`,
    containers: [
      {
        name: 'thanos-ruler',
        ports: [
          ['grpc', 10901, 'TCP'],
          ['web', 10902, 'TCP'],
        ],
      },
      reloader,
    ],
  },
};

export function isKnownOperatorKind(obj: KObject): boolean {
  return `${obj.group}/${obj.kind}` in OPERATORS;
}

/** The pods an operator creates for a custom resource, if we know the operator. */
export function operatorPodTemplate(obj: KObject): PodTemplate | undefined {
  const op = OPERATORS[`${obj.group}/${obj.kind}`];
  if (!op || obj.namespace === undefined) return undefined;
  const labels = plainLabels({
    ...asStringMap(asRecord(getPath(obj.raw, ['spec', 'podMetadata']))?.['labels']),
    ...op.labels(obj.name),
  });
  const replicas = asNumber(getPath(obj.raw, ['spec', 'replicas'])) ?? 1;
  const sts = op.statefulSet(obj.name);
  const ordinals = Array.from({ length: Math.max(0, Math.min(1000, Math.floor(replicas))) }, (_, i) => i);
  const podName: LabelValue = { anyOf: ordinals.map((i) => `${sts}-${i}`) };
  labels.set('statefulset.kubernetes.io/pod-name', podName);
  labels.set('apps.kubernetes.io/pod-index', { anyOf: ordinals.map(String) });
  labels.set('controller-revision-hash', { unknown: true });
  const containers: Container[] = op.containers.map((c) => ({
    name: c.name,
    role: 'container',
    ports: c.ports.map(([name, containerPort, protocol]) => ({
      name,
      containerPort,
      protocol,
      path: ['spec'],
    })),
    raw: {},
    path: ['spec'],
  }));
  return {
    owner: obj,
    namespace: obj.namespace,
    labels,
    labelsPath: ['spec', 'podMetadata', 'labels'],
    specPath: undefined,
    containers,
    hostNetwork: false,
    dnsPolicy: undefined,
    origin: 'operator',
  };
}
