import type { Rule } from '../../src/engine/types';
import { ingressBackends, ingressClassOf, ingressesOf, type IngressBackend } from '../../src/model/ingress';
import { proximity } from '../../src/model/proximity';

export const ingressRuleConflict: Rule = {
  meta: {
    id: 'ingress-rule-conflict',
    description: 'Two Ingresses route the same host and path differently',
    details:
      'Reports an Ingress path whose host, path and pathType (for the same IngressClass) another Ingress routes to a ' +
      'different backend. Ingresses in sibling folders (variants) are not compared, nor two copies of one Ingress. ' +
      'Within one file it is a warning; across files a note, since the input does not prove both are applied together.',
    severity: 'warning',
    tags: ['ingress'],
    docs: {
      why: 'Controllers merge Ingresses of a class: which backend wins a duplicated host and path depends on the controller and on creation order.',
      symptoms: [
        'requests alternate between two applications',
        'a deploy of one team changes another team’s routing',
      ],
      fix: 'Give each host and path one owner: remove one rule, or change the host or path.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a}\nspec:\n  rules:\n  - host: shop.example.com\n    http:\n      paths:\n      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: b}\nspec:\n  rules:\n  - host: shop.example.com\n    http:\n      paths:\n      - {path: /, pathType: Prefix, backend: {service: {name: blog, port: {number: 80}}}}\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: b}\nspec:\n  rules:\n  - host: blog.example.com\n    http:\n      paths:\n      - {path: /, pathType: Prefix, backend: {service: {name: blog, port: {number: 80}}}}\n',
      },
    },
  },
  check(ctx) {
    const seen = new Map<string, IngressBackend[]>();
    for (const ing of ingressesOf(ctx.model)) {
      const cls = ingressClassOf(ing)?.name ?? '';
      for (const b of ingressBackends(ing)) {
        // A resource backend (or an ALB action) routes where the input does not say: no comparison.
        if (b.isDefault || b.httpPath === undefined || b.resource) continue;
        const key = [ing.namespace, cls, b.host, b.httpPath, b.pathType ?? ''].join('\u0000');
        const earlier = seen.get(key) ?? [];
        const target = `${b.serviceName ?? ''}:${String(b.port)}`;
        const clash = earlier.find(
          (e) =>
            e.ingress.id !== ing.id &&
            proximity(e.ingress, ing) <= 1 &&
            `${e.serviceName ?? ''}:${String(e.port)}` !== target,
        );
        if (clash) {
          // Only one file proves both Ingresses exist at once (two files may be alternatives or
          // separate test steps).
          const sameFile = clash.ingress.doc.file === ing.doc.file;
          ctx.report({
            object: ing,
            // The paths[] entry (host and path), not its backend.
            path: b.path.slice(0, -1),
            ...(sameFile ? {} : { severity: 'note' as const }),
            message:
              `Ingress ${ing.name} routes ${b.host || '*'}${b.httpPath} (${b.pathType ?? 'no pathType'}) to ${target}, but Ingress ${clash.ingress.name} routes the same host and path to ${clash.serviceName ?? ''}:${String(clash.port)}; which one wins depends on the controller` +
              (sameFile ? '.' : ` if both are applied (${clash.ingress.doc.file.path} defines the other).`),
            related: [{ object: clash.ingress, path: clash.path, message: `${clash.ingress.id} backend` }],
          });
        }
        earlier.push(b);
        seen.set(key, earlier);
      }
    }
  },
};
