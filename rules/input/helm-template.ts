import type { Rule } from '../../src/engine/types';

export const helmTemplate: Rule = {
  meta: {
    id: 'helm-template',
    description: 'An unrendered Helm or Go template was skipped',
    details:
      'Files containing template expressions ({{ … }}) are not Kubernetes manifests until rendered. ' +
      'They are skipped with this note instead of a wall of syntax errors.',
    severity: 'note',
    tags: ['input'],
    docs: {
      why:
        'A chart template cannot be checked until its values are filled in: a Service selector may be ' +
        '`{{ include "app.selectorLabels" . }}`. Lint what Helm renders instead.',
      symptoms: [],
      fix:
        'Render the chart and lint its output on standard input: `helm template my-release ./chart | kube-netlint -`. ' +
        'Exclude the templates folder with `ignore: ["**/templates/**"]` in .kube-netlint.yaml to silence this note.',
      example: {
        bad: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-web\n',
        good: '# helm template my-release ./chart | kube-netlint -\n',
      },
    },
  },
  check(ctx) {
    for (const d of ctx.model.diagnostics) {
      if (d.kind === 'helm-template') ctx.reportFile(d);
    }
  },
};
