// The Prometheus operator's custom resources (monitoring.coreos.com) as the operator reads them:
// which Services a ServiceMonitor and which pods a PodMonitor select, which endpoints they scrape,
// and which Prometheus (or PrometheusAgent) picks a monitor up. Semantics from the operator's API
// reference (Documentation/api-reference/api.md) and its scrape config generator
// (pkg/prometheus/promcfg.go), cited where subtle.
import type { FieldPath } from '../load/types';
import { asArray, asRecord, asString, getPath, isRecord } from '../util/values';
import { parseLabelSelector, selectorMatches, plainLabels, type Selector } from './labels';
import type { Model } from './model';
import type { KObject } from './object';
import type { PodTemplate } from './pods';

export const MONITORING_GROUP = 'monitoring.coreos.com';

export type MonitorKind = 'ServiceMonitor' | 'PodMonitor';

/**
 * ServiceMonitors and PodMonitors, without those a later definition of the same object in the same
 * file replaces (applied, only the last one stays).
 */
export function monitorsOf(model: Model): KObject[] {
  const replaced = new Set<KObject>();
  const last = new Map<string, KObject>();
  const all = [
    ...model.ofKind(MONITORING_GROUP, 'ServiceMonitor'),
    ...model.ofKind(MONITORING_GROUP, 'PodMonitor'),
  ];
  for (const mon of all) {
    const key = `${mon.doc.file.path}\0${mon.id}`;
    const before = last.get(key);
    if (before) replaced.add(before);
    last.set(key, mon);
  }
  return all.filter((m) => !replaced.has(m));
}

/** Prometheus and PrometheusAgent both select monitors with the same four fields. */
export function prometheusesOf(model: Model): KObject[] {
  return [
    ...model.ofKind(MONITORING_GROUP, 'Prometheus'),
    ...model.ofKind(MONITORING_GROUP, 'PrometheusAgent'),
  ];
}

/**
 * The namespaces a monitor looks in. NamespaceSelector (API reference): "If `any` is true, it takes
 * precedence over `matchNames`. If `matchNames` is empty and `any` is false, it means that the
 * objects are selected from the current namespace." So an absent selector is the monitor's own
 * namespace, not every namespace.
 */
export function monitorNamespaces(mon: KObject): 'any' | string[] {
  const ns = asRecord(getPath(mon.raw, ['spec', 'namespaceSelector']));
  if (ns?.['any'] === true) return 'any';
  const names = asArray(ns?.['matchNames']).flatMap((n) => (typeof n === 'string' && n ? [n] : []));
  if (names.length) return names;
  return mon.namespace === undefined ? [] : [mon.namespace];
}

/**
 * The monitor's `spec.selector` (a full LabelSelector). The operator turns it into relabelling
 * rules on the Service's (or pod's) labels; an empty selector adds no rule and so keeps everything.
 */
export function monitorSelector(mon: KObject): Selector {
  return parseLabelSelector(getPath(mon.raw, ['spec', 'selector']));
}

export interface MonitorEndpoint {
  /** ServiceMonitor: a Service port name; PodMonitor: a container port name. */
  port: string | undefined;
  /** PodMonitor `portNumber` (operator ≥ 0.80). */
  portNumber: number | undefined;
  /** A container port of the pods behind the Service (ServiceMonitor) or of the pod, by name or number. */
  targetPort: number | string | undefined;
  path: FieldPath;
}

/** `spec.endpoints` of a ServiceMonitor, `spec.podMetricsEndpoints` of a PodMonitor. */
export function monitorEndpoints(mon: KObject): MonitorEndpoint[] {
  const field = mon.kind === 'PodMonitor' ? 'podMetricsEndpoints' : 'endpoints';
  return asArray(getPath(mon.raw, ['spec', field])).flatMap((e, i) => {
    if (!isRecord(e)) return [];
    const tp = e['targetPort'];
    const pn = e['portNumber'];
    return [
      {
        port: asString(e['port']) || undefined,
        portNumber: typeof pn === 'number' ? pn : undefined,
        targetPort:
          typeof tp === 'number'
            ? tp
            : typeof tp === 'string' && tp
              ? /^\d+$/.test(tp)
                ? Number(tp)
                : tp
              : undefined,
        path: ['spec', field, i],
      },
    ];
  });
}

/** Whether the model knows every namespace a monitor looks in well enough to judge it. */
function namespacesOf(model: Model, mon: KObject): string[] {
  const ns = monitorNamespaces(mon);
  return ns === 'any' ? [...model.namespaces.keys()] : ns;
}

/** Services (of any namespace the monitor looks in) whose labels the monitor's selector matches. */
export function monitoredServices(model: Model, mon: KObject): KObject[] {
  const sel = monitorSelector(mon);
  const namespaces = new Set(namespacesOf(model, mon));
  return model
    .ofKind('', 'Service')
    .filter((s) => s.namespace !== undefined && namespaces.has(s.namespace))
    .filter((s) => selectorMatches(sel, plainLabels(s.labels)));
}

/** Services of the namespaces a monitor looks in, whether they match or not. */
export function candidateServices(model: Model, mon: KObject): KObject[] {
  const namespaces = new Set(namespacesOf(model, mon));
  return model.ofKind('', 'Service').filter((s) => s.namespace !== undefined && namespaces.has(s.namespace));
}

/** Pods a PodMonitor selects, in the namespaces it looks in. */
export function monitoredPods(model: Model, mon: KObject): PodTemplate[] {
  const sel = monitorSelector(mon);
  return namespacesOf(model, mon).flatMap((ns) => model.selectPods(sel, ns));
}

/** `true`: selected; `false`: not; `unknown`: it depends on labels of a namespace not in the input. */
export type Selection = true | false | 'unknown';

/**
 * Whether a Prometheus (or PrometheusAgent) picks up a monitor. API reference, PrometheusSpec:
 * serviceMonitorSelector / podMonitorSelector: "An empty label selector matches all objects. A null
 * label selector matches no objects."; serviceMonitorNamespaceSelector / podMonitorNamespaceSelector:
 * "An empty label selector matches all namespaces. A null label selector (default value) matches
 * the current namespace only."
 */
export function prometheusSelects(model: Model, prom: KObject, mon: KObject): Selection {
  const field = mon.kind === 'PodMonitor' ? 'podMonitor' : 'serviceMonitor';
  const spec = asRecord(prom.raw['spec']) ?? {};
  const sel = spec[`${field}Selector`];
  if (!isRecord(sel)) return false;
  if (!selectorMatches(parseLabelSelector(sel), plainLabels(mon.labels))) return false;
  const nsSel = spec[`${field}NamespaceSelector`];
  if (!isRecord(nsSel)) return mon.namespace === prom.namespace;
  if (mon.namespace === undefined) return false;
  const labels = model.namespaceLabels(mon.namespace);
  if (selectorMatches(parseLabelSelector(nsSel), plainLabels(labels))) return true;
  // Without the Namespace object the input knows only its name label: other labels may be set.
  return model.namespaces.get(mon.namespace)?.object ? false : 'unknown';
}

/** The field of a Prometheus that selects monitors of this kind, for messages and locations. */
export function selectorField(mon: KObject): string {
  return mon.kind === 'PodMonitor' ? 'podMonitorSelector' : 'serviceMonitorSelector';
}
