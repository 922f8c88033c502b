import type { Model } from '../../src/model/model';
import type { KObject } from '../../src/model/object';
import type { PodTemplate } from '../../src/model/pods';
import { servicePorts, type ServicePortSpec } from '../../src/model/service-ports';

export interface RoutedService {
  svc: KObject;
  ports: readonly ServicePortSpec[];
  /** Selected pod templates whose containers are known (config-declared pods are not). */
  pods: readonly PodTemplate[];
}

/** Services that select pods in the input, with their ports: what the port rules check. */
export function routedServices(model: Model): RoutedService[] {
  const out: RoutedService[] = [];
  for (const svc of model.ofKind('', 'Service')) {
    const pods = model.servicePods(svc).filter((p) => p.origin !== 'config' && p.origin !== 'cluster');
    if (pods.length === 0) continue;
    out.push({ svc, ports: servicePorts(svc), pods });
  }
  return out;
}

/** "web 8080/TCP, metrics 9090/TCP" for the serving containers of a pod. */
export function portList(pod: PodTemplate): string {
  const ports = pod.containers
    .filter((c) => c.role !== 'init')
    .flatMap((c) =>
      c.ports.map((p) => `${p.name ? p.name + ' ' : ''}${p.containerPort ?? '?'}/${p.protocol}`),
    );
  return ports.length ? ports.join(', ') : 'none declared';
}
