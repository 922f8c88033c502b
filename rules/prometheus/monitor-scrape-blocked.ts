import { podOwners } from '../../src/engine/related';
import type { Rule } from '../../src/engine/types';
import type { KObject } from '../../src/model/object';
import type { PodTemplate } from '../../src/model/pods';
import {
  monitorEndpoints,
  monitoredPods,
  monitoredServices,
  monitorsOf,
  prometheusesOf,
  prometheusSelects,
  type MonitorEndpoint,
} from '../../src/model/prometheus';
import { podPortFor, servicePorts, servingContainers } from '../../src/model/service-ports';
import { policyEngine } from '../../src/netpol/index';

interface Target {
  pod: PodTemplate;
  port: number;
  protocol: string;
}

/** A declared container port of the pod, by name or number. */
function containerPort(pod: PodTemplate, want: number | string): number | undefined {
  for (const c of servingContainers(pod))
    for (const p of c.ports)
      if (typeof want === 'number' ? p.containerPort === want : p.name === want) return p.containerPort;
  return typeof want === 'number' ? want : undefined;
}

/** The pods and pod ports one endpoint of a monitor scrapes, as far as the input resolves them. */
function targets(
  model: Parameters<typeof monitoredServices>[0],
  mon: KObject,
  ep: MonitorEndpoint,
): Target[] {
  const out: Target[] = [];
  const add = (pod: PodTemplate, port: number | undefined, protocol = 'TCP'): void => {
    if (port !== undefined && (pod.origin === 'workload' || pod.origin === 'operator'))
      out.push({ pod, port, protocol });
  };
  if (mon.kind === 'ServiceMonitor') {
    for (const svc of monitoredServices(model, mon)) {
      for (const pod of model.servicePods(svc)) {
        if (ep.port !== undefined) {
          const sp = servicePorts(svc).find((p) => p.name === ep.port);
          if (sp) add(pod, podPortFor(sp, pod), sp.protocol);
        } else if (ep.targetPort !== undefined) add(pod, containerPort(pod, ep.targetPort));
      }
    }
  } else {
    const want = ep.port ?? ep.portNumber ?? ep.targetPort;
    if (want !== undefined) for (const pod of monitoredPods(model, mon)) add(pod, containerPort(pod, want));
  }
  return out;
}

export const monitorScrapeBlocked: Rule = {
  meta: {
    id: 'monitor-scrape-blocked',
    description: 'NetworkPolicy blocks Prometheus from the targets of a monitor it selects',
    details:
      'For each ServiceMonitor or PodMonitor that a Prometheus in the input selects, resolves the endpoint’s port on ' +
      'each target pod (Service port name → target port; PodMonitor port name → container port) and asks the policy ' +
      'engine whether the Prometheus pods may connect there: egress from Prometheus and ingress into the target. ' +
      'Reported when no target of the endpoint is reachable.',
    severity: 'warning',
    tags: ['prometheus', 'monitoring', 'networkpolicy'],
    docs: {
      why:
        'A default-deny policy in the application namespace that admits only its clients also drops Prometheus’s ' +
        'scrapes: the targets are discovered but every scrape times out.',
      symptoms: [
        'context deadline exceeded (target DOWN under Status → Targets)',
        'up == 0 for the job; TargetDown alert firing',
      ],
      fix: 'Allow ingress from the Prometheus pods (namespaceSelector on the monitoring namespace and podSelector app.kubernetes.io/name: prometheus) to the metrics port.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-prometheus, namespace: shop}\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}\n      podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}\n    ports: [{port: metrics}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const engine = policyEngine(model, ctx.cluster);
    if (engine.policies.length === 0) return;
    const proms = prometheusesOf(model);
    if (!proms.length) return;
    for (const mon of monitorsOf(model)) {
      const sources = proms
        .filter((p) => prometheusSelects(model, p, mon) === true)
        .flatMap((p) => model.pods.filter((pod) => pod.owner === p));
      if (!sources.length) continue;
      for (const ep of monitorEndpoints(mon)) {
        const list = targets(model, mon, ep);
        if (!list.length) continue;
        const decisions = list.map((t) => ({
          t,
          d: sources.map((src) =>
            engine.connection(src, { kind: 'pod', pod: t.pod }, { protocol: t.protocol, port: t.port }),
          ),
        }));
        if (decisions.some(({ d }) => d.some((x) => x.allowed))) continue;
        const policies = [
          ...new Map(
            decisions
              .flatMap(({ d }) => d)
              .flatMap((x) => [
                ...(x.egress.allowed ? [] : x.egress.isolatedBy),
                ...(x.ingress.allowed ? [] : x.ingress.isolatedBy),
              ])
              .map((p) => [p.obj.id, p]),
          ).values(),
        ];
        const field =
          ep.port !== undefined ? 'port' : ep.portNumber !== undefined ? 'portNumber' : 'targetPort';
        const ports = [...new Set(list.map((t) => t.port))].join(', ');
        const promNames = [
          ...new Set(sources.map((s) => `${s.owner.kind} ${s.owner.namespace ?? ''}/${s.owner.name}`)),
        ];
        ctx.report({
          object: mon,
          path: [...ep.path, field],
          message: `${mon.kind} ${mon.name}: ${[
            ...new Set(policies.map((p) => `${p.obj.kind} ${p.obj.namespace ?? ''}/${p.obj.name}`)),
          ]
            .slice(0, 3)
            .join(', ')} ${policies.length === 1 ? 'does' : 'do'} not let ${promNames.join(', ')} reach ${[
            ...new Set(list.map((t) => `${t.pod.owner.kind} ${t.pod.owner.name}`)),
          ]
            .slice(0, 3)
            .join(', ')} on port ${ports}; every scrape times out.`,
          related: [
            ...policies
              .slice(0, 3)
              .map((p) => ({ object: p.obj, path: ['spec'], message: `${p.obj.kind} ${p.obj.id}` })),
            ...podOwners(
              list.map((t) => t.pod),
              (p) => `target pods of ${p.owner.id}`,
              3,
            ),
          ],
        });
      }
    }
  },
};
