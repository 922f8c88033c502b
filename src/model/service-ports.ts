// Service port resolution, shared by the Service, Ingress and policy rules: which container port a
// Service port reaches on each selected pod, with the semantics of the EndpointSlice controller.
import type { FieldPath } from '../load/types';
import { asArray, asNumber, asRecord, asString, isRecord } from '../util/values';
import { selectorFromMap, type Selector } from './labels';
import { isIanaSvcName, isPortNumber } from './names';
import type { KObject } from './object';
import type { Container, ContainerPort, PodTemplate } from './pods';
import { oncePer } from '../util/memo';

export interface ServicePortSpec {
  index: number;
  name: string | undefined;
  port: number | undefined;
  /** TCP when not given, as in the API. */
  protocol: string;
  /** A port number or a port name; defaults to `port` (API reference, ServicePort.targetPort). */
  targetPort: number | string | undefined;
  targetPortDefaulted: boolean;
  /**
   * True when the written targetPort is neither a port number nor a valid port name: the API
   * server rejects it, service-port-invalid reports it, and `targetPort` is then undefined so that
   * no other rule reports the same value again.
   */
  targetPortInvalid: boolean;
  /** undefined when not set or 0 (0 asks the API server to allocate one). */
  nodePort: number | undefined;
  path: FieldPath;
  raw: Record<string, unknown>;
}

function intOrString(v: unknown): number | string | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return /^\d+$/.test(v) ? Number(v) : v;
  return undefined;
}

/**
 * A Service's ports with the API server's defaults applied, as the cluster stores them: rules see
 * what runs, not how it was spelled. SetDefaults_Service (k8s.io/kubernetes
 * pkg/apis/core/v1/defaults.go) sets targetPort to port when it is unset, 0 or "". Read once per
 * Service: nearly every Service, Ingress, route and policy rule asks (the list is shared: do not change it).
 */
export const servicePorts: (svc: KObject) => readonly ServicePortSpec[] = oncePer(readServicePorts);

function readServicePorts(svc: KObject): ServicePortSpec[] {
  const spec = asRecord(svc.raw['spec']);
  return asArray(spec?.['ports']).flatMap((p, index) => {
    if (!isRecord(p)) return [];
    const port = asNumber(p['port']);
    const raw = p['targetPort'];
    const explicit = raw === 0 || raw === '' ? undefined : intOrString(raw);
    const invalid =
      explicit !== undefined &&
      (typeof explicit === 'number' ? !isPortNumber(explicit) : !isIanaSvcName(explicit));
    const nodePort = asNumber(p['nodePort']);
    return [
      {
        index,
        name: asString(p['name']),
        port,
        protocol: asString(p['protocol']) ?? 'TCP',
        targetPort: invalid ? undefined : (explicit ?? (isPortNumber(port) ? port : undefined)),
        targetPortDefaulted: explicit === undefined,
        targetPortInvalid: invalid,
        nodePort: nodePort === 0 ? undefined : nodePort,
        path: ['spec', 'ports', index],
        raw: p,
      },
    ];
  });
}

/**
 * The selector of a Service that routes to pods, or undefined: ExternalName Services and Services
 * without a selector ("the service is assumed to have an external process managing its
 * endpoints", API reference, ServiceSpec.selector) select no pods by design.
 */
/** The Service port an Ingress or route backend names: by number (port) or by name. */
export function findServicePort(
  svc: KObject,
  port: number | string | undefined,
): ServicePortSpec | undefined {
  const ports = servicePorts(svc);
  if (port === undefined) return ports.length === 1 ? ports[0] : undefined;
  return ports.find((p) => (typeof port === 'number' ? p.port === port : p.name === port));
}

export function serviceSelector(svc: KObject): Selector | undefined {
  const spec = asRecord(svc.raw['spec']);
  if (!spec || asString(spec['type']) === 'ExternalName') return undefined;
  const sel = asRecord(spec['selector']);
  if (!sel || Object.keys(sel).length === 0) return undefined;
  return selectorFromMap(sel);
}

/** Containers that serve traffic: app containers and native sidecars, not init containers. */
export function servingContainers(pod: PodTemplate): Container[] {
  return pod.containers.filter((c) => c.role !== 'init');
}

export type Resolution =
  /** The target port was found: the container port the traffic reaches. */
  | { kind: 'resolved'; container: Container; port: ContainerPort }
  /** A named port exists, but only with another protocol: named ports match name and protocol. */
  | { kind: 'protocol-mismatch'; container: Container; port: ContainerPort }
  /** A named port that no serving container defines: the pod gets no endpoint for this port. */
  | { kind: 'name-missing' }
  /** A port number that no serving container declares (declaring is optional in the API). */
  | { kind: 'number-undeclared'; declaresPorts: boolean }
  /** Nothing is known about the pod's containers (pods declared in the config). */
  | { kind: 'unknown' };

/**
 * Resolves a Service port on one pod as the EndpointSlice controller does
 * (k8s.io/kubernetes/pkg/api/v1/pod FindPort): a named targetPort is looked up among the ports of
 * `containers` and then of restartable init containers (native sidecars), matching both name and
 * protocol; a numeric one is used as is, declared or not.
 */
export function resolveTargetPort(sp: ServicePortSpec, pod: PodTemplate): Resolution {
  if (!pod.portsKnown) return { kind: 'unknown' };
  const serving = [
    ...pod.containers.filter((c) => c.role === 'container'),
    ...pod.containers.filter((c) => c.role === 'sidecar'),
  ];
  const target = sp.targetPort;
  if (typeof target === 'string') {
    let other: Resolution | undefined;
    for (const container of serving) {
      for (const port of container.ports) {
        if (port.name !== target) continue;
        if (port.protocol === sp.protocol) return { kind: 'resolved', container, port };
        other ??= { kind: 'protocol-mismatch', container, port };
      }
    }
    return other ?? { kind: 'name-missing' };
  }
  if (target === undefined) return { kind: 'unknown' };
  let other: Resolution | undefined;
  for (const container of serving) {
    for (const port of container.ports) {
      if (port.containerPort !== target) continue;
      if (port.protocol === sp.protocol) return { kind: 'resolved', container, port };
      other ??= { kind: 'protocol-mismatch', container, port };
    }
  }
  return other ?? { kind: 'number-undeclared', declaresPorts: serving.some((c) => c.ports.length > 0) };
}

/**
 * The pod port traffic for `sp` arrives on at `pod`: the resolved container port, else a numeric
 * targetPort as written (kube-proxy forwards to it whether or not a container declares it);
 * undefined when a named targetPort cannot be resolved.
 */
export function podPortFor(sp: ServicePortSpec, pod: PodTemplate): number | undefined {
  const r = resolveTargetPort(sp, pod);
  if (r.kind === 'resolved') return r.port.containerPort;
  return typeof sp.targetPort === 'number' ? sp.targetPort : undefined;
}

export function describePort(sp: ServicePortSpec): string {
  const id = sp.name ? `${sp.name} (${sp.port ?? '?'}/${sp.protocol})` : `${sp.port ?? '?'}/${sp.protocol}`;
  return `port ${id}`;
}
