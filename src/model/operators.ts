import { asStringMap, getPath, asNumber, isRecord } from '../util/values';
import { plainLabels, type LabelValue } from './labels';
import type { KObject } from './object';
import type { Container, PodTemplate } from './pods';

interface OperatorKind {
  /** Labels the operator puts on every pod, given the resource name. */
  labels: (name: string) => Record<string, string>;
  /** Where the resource keeps labels it copies onto its pods. */
  podLabelsPath: string[];
  /** Name of the StatefulSet the operator creates, if it creates one. */
  statefulSet?: (name: string) => string;
  /** Containers and ports the operator's pods have; undefined when they are not known. */
  containers: { name: string; ports: [string, number, string][] }[] | undefined;
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
    podLabelsPath: ['spec', 'podMetadata', 'labels'],
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
    podLabelsPath: ['spec', 'podMetadata', 'labels'],
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
    podLabelsPath: ['spec', 'podMetadata', 'labels'],
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
  // KubeVirt runs each virtual machine in a virt-launcher pod that carries the VM template's labels.
  'kubevirt.io/VirtualMachine': {
    labels: (name) => ({ 'kubevirt.io': 'virt-launcher', 'vm.kubevirt.io/name': name }),
    podLabelsPath: ['spec', 'template', 'metadata', 'labels'],
    containers: undefined,
  },
  'kubevirt.io/VirtualMachineInstance': {
    labels: (name) => ({ 'kubevirt.io': 'virt-launcher', 'vm.kubevirt.io/name': name }),
    podLabelsPath: ['metadata', 'labels'],
    containers: undefined,
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
    ...asStringMap(getPath(obj.raw, op.podLabelsPath)),
    ...op.labels(obj.name),
  });
  if (op.statefulSet) {
    const replicas = asNumber(getPath(obj.raw, ['spec', 'replicas'])) ?? 1;
    const sts = op.statefulSet(obj.name);
    const ordinals = Array.from({ length: Math.max(0, Math.min(1000, Math.floor(replicas))) }, (_, i) => i);
    const podName: LabelValue = { anyOf: ordinals.map((i) => `${sts}-${i}`) };
    labels.set('statefulset.kubernetes.io/pod-name', podName);
    labels.set('apps.kubernetes.io/pod-index', { anyOf: ordinals.map(String) });
    labels.set('controller-revision-hash', { unknown: true });
  }
  // spec.thanos adds the Thanos sidecar to Prometheus pods, serving StoreAPI gRPC on 10901 and HTTP
  // on 10902 (prometheus-operator Documentation/thanos.md; its example Services target 'grpc').
  const specs = [...(op.containers ?? [])];
  if (obj.kind === 'Prometheus' && isRecord(getPath(obj.raw, ['spec', 'thanos'])))
    specs.push({
      name: 'thanos-sidecar',
      ports: [
        ['grpc', 10901, 'TCP'],
        ['http', 10902, 'TCP'],
      ],
    });
  const containers: Container[] = specs.map((c) => ({
    name: c.name,
    role: 'container',
    ports: c.ports.map(([name, containerPort, protocol]) => ({
      name,
      containerPort,
      protocol,
      protocolDefaulted: false,
      path: ['spec'],
    })),
    raw: {},
    path: ['spec'],
  }));
  return {
    owner: obj,
    namespace: obj.namespace,
    labels,
    labelsPath: op.podLabelsPath,
    specPath: undefined,
    containers,
    hostNetwork: false,
    dnsPolicy: undefined,
    origin: 'operator',
    portsKnown: op.containers !== undefined,
  };
}
