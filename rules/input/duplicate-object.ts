import type { Rule } from '../../src/engine/types';

export const duplicateObject: Rule = {
  meta: {
    id: 'duplicate-object',
    description: 'The same object is defined twice in one file',
    details:
      'Reports an object (same kind, namespace and name) defined twice in one file. Copies in different files are ' +
      'not reported: install variants (install.yaml beside namespace-install.yaml) and overlays repeat objects on ' +
      'purpose. Both definitions stay in the model: nothing is merged.',
    severity: 'note',
    tags: ['input'],
    docs: {
      why:
        '`kubectl apply -f` applies both definitions in order, so the second silently replaces the first. A reviewer ' +
        'reading the first one is not reading what runs.',
      symptoms: [
        'a change to a Service or Deployment "does not take effect" after kubectl apply -f file.yaml',
      ],
      fix: 'Keep one definition, or move variants into separate files (or kustomize overlays).',
      example: {
        bad: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 8080}]\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n',
      },
    },
  },
  check(ctx) {
    for (const { first, second } of ctx.model.duplicates) {
      // Across files we cannot tell a mistake from a variant (install.yaml next to
      // namespace-install.yaml, bookinfo.yaml next to bookinfo-dualstack.yaml), so only one file
      // defining the same object twice is reported.
      if (first.doc.file !== second.doc.file) continue;
      ctx.report({
        object: second,
        path: ['metadata', 'name'],
        message: `${second.id} is defined twice in this file; the definition applied last wins. Keep one.`,
        related: [{ object: first, path: ['metadata', 'name'], message: `first definition of ${first.id}` }],
      });
    }
  },
};
