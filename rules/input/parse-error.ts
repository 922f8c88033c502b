import type { Rule } from '../../src/engine/types';

export const parseError: Rule = {
  meta: {
    id: 'parse-error',
    description: 'A file or YAML document that cannot be read as a manifest',
    details:
      'Reports YAML syntax errors, duplicate keys, mapping keys that are collections, alias bombs, documents nested ' +
      'too deeply, invalid UTF-8, binary, unreadable and oversized files, named paths that are not regular files ' +
      '(FIFOs, devices), and files past the total input budget. The rest of the input is still linted; the broken ' +
      'document is not. Symbolic links that lead out of the folder being linted are not followed, reported as a note.',
    severity: 'error',
    tags: ['input'],
    docs: {
      why:
        'kubectl rejects these files (`error converting YAML to JSON`, `mapping key "x" already defined`), so ' +
        'nothing in them is applied. A duplicate key is worse: some tools keep the first value and others the ' +
        'last, so what you review is not what runs.',
      symptoms: [
        'error: error parsing deploy.yaml: error converting YAML to JSON: yaml: line 7: did not find expected key',
        'mapping key "selector" already defined',
      ],
      fix: 'Fix the syntax at the reported line. Remove the duplicated key, keeping the value you mean.',
      example: {
        bad: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  selector:\n    app: api\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n',
      },
    },
  },
  check(ctx) {
    for (const d of ctx.model.diagnostics) {
      if (d.kind === 'parse-error') ctx.reportFile(d);
    }
  },
};
