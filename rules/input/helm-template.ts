import type { Rule } from '../../src/engine/types';
import type { LoadDiagnostic } from '../../src/load/types';

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
    // One note per chart folder (the folder above templates/), not one per template file: a chart
    // of forty templates is one thing to render. Other template files are noted one by one.
    const byChart = new Map<string, LoadDiagnostic[]>();
    for (const d of ctx.model.diagnostics) {
      if (d.kind !== 'helm-template') continue;
      const m = /^(.*?)\/?templates\//.exec(d.file);
      const key = m ? (m[1] ?? '') : `\0${d.file}`;
      byChart.set(key, [...(byChart.get(key) ?? []), d]);
    }
    for (const [key, list] of byChart) {
      const first = list[0] as LoadDiagnostic;
      if (key.startsWith('\0') || list.length === 1) {
        ctx.reportFile(first);
        continue;
      }
      const chart = key || '.';
      ctx.reportFile({
        ...first,
        message: `template syntax ({{ … }}) in ${list.length} files of the chart in ${chart}/ (${first.file} and ${list.length - 1} more): a Helm chart, not manifests. Skipped; lint the rendered output instead: helm template RELEASE ${chart} | kube-netlint -`,
      });
    }
  },
};
