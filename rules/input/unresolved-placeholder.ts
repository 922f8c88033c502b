import type { Rule } from '../../src/engine/types';

/**
 * Metadata for the notes the engine emits when it drops findings that depend on a placeholder
 * (see src/load/placeholder.ts); the rule itself checks nothing.
 */
export const unresolvedPlaceholder: Rule = {
  meta: {
    id: 'unresolved-placeholder',
    description: 'Checks were skipped because they depend on a placeholder filled in before apply',
    details:
      'A value such as `${APP}`, `${PORT:=8080}` (a default is used), `$(SERVICE_NAME)`, `"{{ .Values.port }}"`, ' +
      '`__PILLAR__DNS__SERVER__` or an upper-case word in a port field is replaced by Flux, envsubst, kustomize or ' +
      'a template engine before the object reaches the API server. What it becomes is not in the input, so ' +
      'findings that depend on it are dropped and this one note per object says which checks were skipped.',
    severity: 'note',
    tags: ['input'],
    docs: {
      why:
        'A placeholder is not a bug: an error about `port: ${PORT}` would be a false alarm. But the checks it ' +
        'hides did not run, and the note says so instead of passing silently.',
      symptoms: [],
      fix:
        'Lint what is applied: `flux build kustomization NAME --path DIR | kube-netlint -`, ' +
        '`envsubst < app.yaml | kube-netlint -`, `kustomize build DIR | kube-netlint -`. Or give the variable a ' +
        'default (`${PORT:=8080}`), which kube-netlint uses.',
      example: {
        bad: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - port: ${PORT}\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - port: ${PORT:=8080}\n',
      },
    },
  },
  check() {
    // Emitted by the engine itself when it drops a finding that depends on a placeholder.
  },
};
