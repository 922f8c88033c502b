import type { Rule } from '../../src/engine/types';
import {
  formatSelector,
  parseLabelSelector,
  plainLabels,
  selectorFromMap,
  selectorMatches,
} from '../../src/model/labels';
import { defaultsSelectorFromTemplate } from '../../src/model/removed-apis';
import { asRecord, asStringMap, getPath } from '../../src/util/values';

const SELECTOR_REQUIRED = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);

export const workloadSelectorMismatch: Rule = {
  meta: {
    id: 'workload-selector-mismatch',
    description: "A workload's selector does not match its own pod template",
    details:
      'Reports a Deployment, ReplicaSet, StatefulSet or DaemonSet whose spec.selector is missing, empty, malformed ' +
      'or does not match spec.template.metadata.labels; a Job whose selector does not match its template or is set ' +
      'without manualSelector: true; a ReplicationController whose selector does not match its template.',
    severity: 'error',
    tags: ['workload', 'selector'],
    docs: {
      why:
        'The API server rejects these objects, so the workload is never created (or never updated): the apply fails ' +
        'in CI or, worse, halfway through a rollout. In apps/v1 the selector is required and immutable.',
      symptoms: [
        'The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
        'spec.selector: Required value',
        'field is immutable',
      ],
      fix:
        'Make every matchLabels entry (and matchExpressions requirement) hold for spec.template.metadata.labels. ' +
        'For Jobs, leave spec.selector out: the Job controller generates one.',
      example: {
        bad: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: webapp\n',
        good: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n',
      },
    },
  },
  check(ctx) {
    for (const obj of ctx.model.objects) {
      const spec = asRecord(obj.raw['spec']);
      if (!spec) continue;
      const builtin = obj.group === 'apps' || obj.group === 'extensions';
      const templateLabels = asStringMap(getPath(spec, ['template', 'metadata', 'labels']));
      const labels = plainLabels(templateLabels);
      const shownLabels =
        Object.entries(templateLabels)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ') || '(none)';
      if (builtin && SELECTOR_REQUIRED.has(obj.kind)) {
        const raw = spec['selector'];
        if (raw === undefined || raw === null) {
          // extensions/v1beta1 and apps/v1beta1 defaulted the selector from the template (their
          // removal is api-version-removed's finding); apps/v1beta2 and apps/v1 require it.
          if (!defaultsSelectorFromTemplate(obj.apiVersion)) {
            ctx.report({
              object: obj,
              path: ['spec'],
              message: `${obj.kind} ${obj.name} has no spec.selector; ${obj.apiVersion} requires one. Add selector.matchLabels with labels of the pod template (${shownLabels}).`,
            });
          }
          continue;
        }
        const sel = parseLabelSelector(raw);
        if (sel.errors.length) {
          ctx.report({
            object: obj,
            path: ['spec', 'selector'],
            message: `${obj.kind} ${obj.name} has a malformed selector: ${sel.errors.join('; ')}.`,
          });
          continue;
        }
        if (sel.requirements.length === 0) {
          ctx.report({
            object: obj,
            path: ['spec', 'selector'],
            message: `${obj.kind} ${obj.name} has an empty selector, which the API server rejects: it would select every pod in the namespace. Select the pod template labels (${shownLabels}).`,
          });
          continue;
        }
        if (!selectorMatches(sel, labels)) {
          ctx.report({
            object: obj,
            path: ['spec', 'selector'],
            message: `${obj.kind} ${obj.name} selects ${formatSelector(sel)}, but its pod template has ${shownLabels}; the API server rejects it ("selector does not match template labels").`,
            related: [
              {
                object: obj,
                path: ['spec', 'template', 'metadata', 'labels'],
                message: 'pod template labels',
              },
            ],
          });
        }
      } else if (obj.kind === 'Job' && obj.group === 'batch') {
        const raw = spec['selector'];
        if (raw === undefined || raw === null) continue;
        if (spec['manualSelector'] !== true) {
          ctx.report({
            object: obj,
            path: ['spec', 'selector'],
            message: `Job ${obj.name} sets spec.selector without manualSelector: true; the API server rejects it ("selector not auto-generated"). Remove the selector and let the Job controller generate it.`,
          });
          continue;
        }
        const sel = parseLabelSelector(raw);
        if (!sel.errors.length && !selectorMatches(sel, labels)) {
          ctx.report({
            object: obj,
            path: ['spec', 'selector'],
            message: `Job ${obj.name} selects ${formatSelector(sel)}, but its pod template has ${shownLabels}; the API server rejects it.`,
          });
        }
      } else if (obj.kind === 'ReplicationController' && obj.group === '') {
        const raw = asRecord(spec['selector']);
        // Unset, the selector defaults to the template labels (API reference, ReplicationControllerSpec).
        if (!raw || Object.keys(raw).length === 0) continue;
        const sel = selectorFromMap(raw);
        if (!selectorMatches(sel, labels)) {
          ctx.report({
            object: obj,
            path: ['spec', 'selector'],
            message: `ReplicationController ${obj.name} selects ${formatSelector(sel)}, but its pod template has ${shownLabels}; the API server rejects it.`,
          });
        }
      }
    }
  },
};
