import type { Rule } from '../../src/engine/types';
import { formatSelector, parseLabelSelector } from '../../src/model/labels';
import type { KObject } from '../../src/model/object';
import { isNear } from '../../src/model/proximity';
import { monitorsOf, prometheusesOf, prometheusSelects, selectorField } from '../../src/model/prometheus';
import { asRecord, getPath, isRecord } from '../../src/util/values';

/** Why a Prometheus does not pick a monitor up, in a few words. */
function why(prom: KObject, mon: KObject): string {
  const field = selectorField(mon);
  const spec = asRecord(prom.raw['spec']) ?? {};
  const sel = spec[field];
  if (!isRecord(sel)) return `${prom.kind} ${prom.name} has no ${field} (a null selector selects no monitor)`;
  const nsField = field.replace('Selector', 'NamespaceSelector');
  const nsSel = spec[nsField];
  const own = `${prom.kind} ${prom.name} selects ${formatSelector(parseLabelSelector(sel))}`;
  if (!isRecord(nsSel)) return `${own} in its own namespace '${prom.namespace ?? ''}' only (no ${nsField})`;
  return `${own} in namespaces with ${formatSelector(parseLabelSelector(nsSel))}`;
}

export const monitorNotSelected: Rule = {
  meta: {
    id: 'monitor-not-selected',
    description: 'No Prometheus in the input selects the ServiceMonitor or PodMonitor',
    details:
      'Reports a ServiceMonitor or PodMonitor that no Prometheus (or PrometheusAgent) near it selects, by ' +
      'serviceMonitorSelector/podMonitorSelector on the monitor’s labels and by the namespace selector on its ' +
      'namespace’s labels. A null monitor selector selects nothing and an empty one everything; a null namespace ' +
      'selector means the Prometheus’s own namespace, an empty one every namespace. Nothing is reported when no ' +
      'Prometheus is near the monitor, or when the answer depends on labels of a namespace the input does not define.',
    severity: 'warning',
    tags: ['prometheus', 'monitoring'],
    docs: {
      why:
        'The operator only turns monitors its Prometheus selects into scrape jobs. Charts install Prometheus with a ' +
        'selector such as `release: kube-prometheus-stack`; a ServiceMonitor without that label is valid, applied, ' +
        'and ignored.',
      symptoms: [
        'no targets: the ServiceMonitor never shows up under Status → Targets or Service Discovery',
        'the serviceMonitor/<namespace>/<name> job is missing from the generated prometheus.yaml',
      ],
      fix: 'Give the monitor the labels the Prometheus selects (for kube-prometheus-stack usually `release: <release name>`), or widen serviceMonitorSelector/serviceMonitorNamespaceSelector.',
      example: {
        bad: 'apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: main}\nspec:\n  serviceMonitorSelector: {matchLabels: {release: monitoring}}\n---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  endpoints: [{port: metrics}]\n',
        good: 'apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: main}\nspec:\n  serviceMonitorSelector: {matchLabels: {release: monitoring}}\n---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: web\n  labels: {app: web, release: monitoring}\nspec:\n  selector: {matchLabels: {app: web}}\n  endpoints: [{port: metrics}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    // A Prometheus without a name is a documentation fragment, not something the API server accepts.
    const all = prometheusesOf(model).filter((p) => getPath(p.raw, ['metadata', 'name']) !== undefined);
    if (!all.length) return;
    for (const mon of monitorsOf(model)) {
      // Prometheuses of other modules of the repository say nothing about this monitor.
      const proms = all.filter((p) => isNear(p, mon));
      if (!proms.length) continue;
      if (proms.some((p) => prometheusSelects(model, p, mon) !== false)) continue;
      ctx.report({
        object: mon,
        path: ['metadata', 'labels'],
        message: `${mon.kind} ${mon.name} is selected by no Prometheus in the input: ${proms
          .slice(0, 3)
          .map((p) => why(p, mon))
          .join('; ')}. Unless another Prometheus selects it, it produces no targets.`,
        related: proms.slice(0, 3).map((p) => ({
          object: p,
          path: ['spec', selectorField(mon)],
          message: `${p.kind} ${p.id}`,
        })),
      });
    }
  },
};
