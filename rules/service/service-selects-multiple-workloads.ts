import type { Rule } from '../../src/engine/types';
import { formatLabelValue } from '../../src/model/labels';
import type { PodTemplate } from '../../src/model/pods';
import { asRecord, asStringMap } from '../../src/util/values';

/** Labels that say which application a pod belongs to (not which version or track). */
const IDENTITY_KEYS = [
  'app',
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/component',
  'component',
  'k8s-app',
  'name',
  'run',
];

function identity(pod: PodTemplate): string {
  return IDENTITY_KEYS.map((k) => {
    const v = pod.labels.get(k);
    return v === undefined ? '' : `${k}=${formatLabelValue(v)}`;
  })
    .filter(Boolean)
    .join(', ');
}

export const serviceSelectsMultipleWorkloads: Rule = {
  meta: {
    id: 'service-selects-multiple-workloads',
    description: 'Service selects the pods of several unrelated workloads',
    details:
      'Reports a Service whose selector names an application (one of the labels below) and matches pods of ' +
      'workloads that name different applications: their app, ' +
      'app.kubernetes.io/name, app.kubernetes.io/instance, app.kubernetes.io/component, component, k8s-app, name or ' +
      'run labels differ. Versions or tracks of one application (the documented canary pattern: same app label, ' +
      'another version or track label), replicas split across workloads with the same labels, and selectors on role ' +
      'labels only (tier: web) are not reported.',
    severity: 'note',
    tags: ['service', 'selector'],
    docs: {
      why:
        'A Service balances across every ready pod it selects. A selector that is too broad (only tier: web) sends ' +
        'a share of requests to another application, and an unlabelled canary receives production traffic in ' +
        'proportion to its replicas: intermittent errors that are hard to reproduce.',
      symptoms: ['one request in N fails with 404 or 500', 'responses alternate between two versions'],
      fix:
        'Add a label that only the intended pods carry (app.kubernetes.io/name, app.kubernetes.io/instance) to the ' +
        'selector; give a canary a distinguishing label such as track: canary.',
      example: {
        bad:
          'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n---\n' +
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop}\nspec:\n  selector: {matchLabels: {app: web, app.kubernetes.io/name: shop}}\n  template:\n    metadata: {labels: {app: web, app.kubernetes.io/name: shop}}\n---\n' +
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: blog}\nspec:\n  selector: {matchLabels: {app: web, app.kubernetes.io/name: blog}}\n  template:\n    metadata: {labels: {app: web, app.kubernetes.io/name: blog}}\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web, app.kubernetes.io/name: shop}\n  ports: [{port: 80}]\n',
      },
    },
  },
  check(ctx) {
    for (const svc of ctx.model.ofKind('', 'Service')) {
      // A selector on role labels only (tier: web, redis-sentinel: "true") picks several
      // applications on purpose; only a selector that names an application is checked.
      const selected = Object.keys(asStringMap(asRecord(svc.raw['spec'])?.['selector']));
      if (!selected.some((k) => IDENTITY_KEYS.includes(k))) continue;
      const pods = ctx.model.servicePods(svc).filter((p) => p.origin !== 'config' && p.origin !== 'cluster');
      const byOwner = new Map<string, PodTemplate>();
      for (const p of pods) if (!byOwner.has(p.owner.id)) byOwner.set(p.owner.id, p);
      if (byOwner.size < 2) continue;
      const distinct = [...byOwner.values()];
      const groups = new Map<string, PodTemplate[]>();
      for (const p of distinct) {
        const id = identity(p);
        groups.set(id, [...(groups.get(id) ?? []), p]);
      }
      const names = (list: PodTemplate[]) => list.map((p) => `${p.owner.kind} ${p.owner.name}`).join(', ');
      const related = distinct
        .slice(0, 5)
        .map((p) => ({ object: p.owner, path: p.labelsPath, message: `pods of ${p.owner.id}` }));
      // Pods without any identity label cannot be told apart from the others: no verdict.
      if (groups.size > 1 && ![...groups.keys()].includes('')) {
        const parts = [...groups.entries()].map(([id, list]) => `${names(list)} (${id})`);
        ctx.report({
          object: svc,
          path: ['spec', 'selector'],
          message: `Service ${svc.name} selects pods of different applications: ${parts.join('; ')}. Traffic is balanced across all of them; narrow the selector if that is not intended.`,
          related,
        });
      }
    }
  },
};
