import type { Rule } from '../../src/engine/types';
import { formatSelector } from '../../src/model/labels';
import { isNear } from '../../src/model/proximity';
import {
  candidateServices,
  monitorNamespaces,
  monitoredPods,
  monitoredServices,
  monitorSelector,
  monitorsOf,
} from '../../src/model/prometheus';

/** Services prometheus-operator creates itself (pkg/prometheus/operator.go and its siblings):
 * `prometheus-operated`, `alertmanager-operated`, `thanos-ruler-operated`, labelled so. */
const OPERATED_SERVICE_LABELS = ['operated-prometheus', 'operated-alertmanager', 'operated-thanos-ruler'];

export const monitorSelectsNothing: Rule = {
  meta: {
    id: 'monitor-selects-nothing',
    description: 'ServiceMonitor selects no Service, or PodMonitor no pod',
    details:
      'Reports a ServiceMonitor whose selector (matchLabels and matchExpressions) matches the labels of no Service in ' +
      'the namespaces it looks in, and a PodMonitor whose selector matches no pod. namespaceSelector follows the ' +
      'operator: `any: true` is every namespace, `matchNames` those namespaces, and an absent one the monitor’s own ' +
      'namespace only. Only reported when the input holds Services (or pods) near the monitor in those namespaces; ' +
      'targets created outside the input are not judged.',
    severity: 'warning',
    tags: ['prometheus', 'monitoring'],
    docs: {
      why:
        'A ServiceMonitor selects Services by their own metadata labels (not the pod labels) in its own namespace ' +
        'unless namespaceSelector says otherwise. A monitor that selects nothing produces no scrape targets, and ' +
        'the metrics silently never arrive.',
      symptoms: [
        'no targets: the ServiceMonitor does not appear under Status → Targets in Prometheus',
        'the serviceMonitor/<namespace>/<name>/0 job shows 0/0 up',
      ],
      fix: 'Put the selected labels on the Service’s metadata.labels, or set namespaceSelector.matchNames to the Service’s namespace.',
      example: {
        bad: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  selector: {app: web}\n  ports: [{name: metrics, port: 9100}]\n---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: website}}\n  endpoints: [{port: metrics}]\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  selector: {app: web}\n  ports: [{name: metrics, port: 9100}]\n---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  endpoints: [{port: metrics}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    for (const mon of monitorsOf(model)) {
      if (mon.namespace === undefined) continue;
      const sel = monitorSelector(mon);
      // The selector's own errors are the API server's to reject; do not guess at what it means.
      if (sel.errors.length) continue;
      const ns = monitorNamespaces(mon);
      const where = ns === 'any' ? 'any namespace' : `namespace ${ns.map((n) => `'${n}'`).join(', ')}`;
      if (sel.requirements.some((r) => OPERATED_SERVICE_LABELS.includes(r.key))) continue;
      // Custom resources in those namespaces may create targets the input does not show.
      const namespaces = ns === 'any' ? [...model.namespaces.keys()] : ns;
      if (namespaces.some((n) => model.opaqueResourcesIn(n).length > 0)) continue;
      if (mon.kind === 'ServiceMonitor') {
        if (monitoredServices(model, mon).length) continue;
        const near = candidateServices(model, mon).filter((s) => isNear(s, mon));
        if (!near.length) continue;
        ctx.report({
          object: mon,
          path: ['spec', 'selector'],
          message:
            `ServiceMonitor ${mon.name} selects Services with ${formatSelector(sel)} in ${where}, but none of the ` +
            `${near.length} Service(s) there near it has these labels (a ServiceMonitor matches Service metadata.labels, not pod labels); Prometheus gets no targets from it.`,
          related: near
            .slice(0, 5)
            .map((s) => ({ object: s, path: ['metadata', 'labels'], message: `Service ${s.id}` })),
        });
      } else {
        if (monitoredPods(model, mon).length) continue;
        if (!namespaces.some((n) => model.describesPodsNear(n, mon))) continue;
        ctx.report({
          object: mon,
          path: ['spec', 'selector'],
          message: `PodMonitor ${mon.name} selects pods with ${formatSelector(sel)} in ${where}, but no pod template of the input there has these labels; Prometheus gets no targets from it.`,
        });
      }
    }
  },
};
