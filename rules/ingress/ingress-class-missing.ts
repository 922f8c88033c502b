import { isNear } from '../../src/model/proximity';
import type { Rule } from '../../src/engine/types';
import { ingressClassOf, ingressesOf } from '../../src/model/ingress';

const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

export const ingressClassMissing: Rule = {
  meta: {
    id: 'ingress-class-missing',
    description: 'Ingress names an unknown IngressClass, or none without a default',
    details:
      'Reports an Ingress whose ingressClassName (or kubernetes.io/ingress.class annotation) names an IngressClass ' +
      'that is not in the input while others are near it (an error for a name a typo away, else a warning; classes ' +
      'of other modules of the repository do not count), and, as a note, an Ingress without a class when the ' +
      'input has no default IngressClass.',
    severity: 'error',
    tags: ['ingress'],
    docs: {
      why:
        'Controllers only serve Ingresses of their class. An unknown class, or no class without a default one, ' +
        'means no controller picks the Ingress up: it is accepted by the API server and then ignored.',
      symptoms: [
        'the Ingress has no ADDRESS in kubectl get ingress',
        'ingress does not contain a valid IngressClass',
      ],
      fix: 'Set spec.ingressClassName to an IngressClass that exists, or mark one IngressClass as the default.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  ingressClassName: ngnix\n  defaultBackend:\n    service: {name: web, port: {number: 80}}\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  ingressClassName: nginx\n  defaultBackend:\n    service: {name: web, port: {number: 80}}\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const classes = model.ofKind('networking.k8s.io', 'IngressClass');
    const names = new Set(classes.map((c) => c.name));
    const hasDefault = classes.some((c) => c.annotations[DEFAULT_CLASS_ANNOTATION] === 'true');
    for (const ing of ingressesOf(model)) {
      const cls = ingressClassOf(ing);
      if (cls) {
        if (names.has(cls.name)) continue;
        // The closed-world rule (closed-world.ts): IngressClasses of another module of the
        // repository say nothing about this one; near ones make a typo likely (an error) or at
        // least make the missing class worth a warning.
        const near = classes.filter((c) => isNear(c, ing));
        if (near.length === 0) continue;
        const verdict = model.judgeMissing(
          { group: 'networking.k8s.io', kind: 'IngressClass', namespace: undefined, name: cls.name },
          ing,
        );
        ctx.report({
          object: ing,
          path: cls.path,
          severity: verdict.level,
          message:
            `Ingress ${ing.name} asks for IngressClass '${cls.name}', which is not in the input (it has ${near.map((c) => `'${c.name}'`).join(', ')} near it); ` +
            (verdict.level === 'error'
              ? 'no controller will serve it.'
              : 'unless the cluster has that class, no controller serves it.') +
            verdict.reason,
          related: classes
            .slice(0, 3)
            .map((c) => ({ object: c, path: ['metadata', 'name'], message: `IngressClass ${c.name}` })),
        });
      } else if (!hasDefault) {
        ctx.report({
          object: ing,
          path: ['spec'],
          severity: 'note',
          message: `Ingress ${ing.name} names no IngressClass and the input marks none as default (${DEFAULT_CLASS_ANNOTATION}); unless the cluster has a default class, no controller serves it. Set spec.ingressClassName.`,
        });
      }
    }
  },
};
