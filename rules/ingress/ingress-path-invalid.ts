import type { Rule } from '../../src/engine/types';
import { ingressesOf } from '../../src/model/ingress';
import { asArray, asRecord, asString, isRecord } from '../../src/util/values';

const REGEX_CHARS = /[\^$*+?()[\]{}|\\]/;

export const ingressPathInvalid: Rule = {
  meta: {
    id: 'ingress-path-invalid',
    description: 'Ingress path that is rejected or never matches as meant',
    details:
      'Reports an Ingress path that does not start with "/" or lacks a pathType in networking.k8s.io/v1 (the API ' +
      'server rejects both), and regular-expression characters in a Prefix or Exact path, where they are matched ' +
      'literally.',
    severity: 'error',
    tags: ['ingress'],
    docs: {
      why: 'A rejected Ingress is never applied. A Prefix path like /api/.* only matches requests that literally contain ".*", so the route catches nothing.',
      symptoms: [
        'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path',
        '404 Not Found for every request on the path',
      ],
      fix: 'Start every path with "/", set pathType, and use ImplementationSpecific with the controller’s regex support (e.g. nginx.ingress.kubernetes.io/use-regex) for patterns.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /api/.*\n        pathType: Prefix\n        backend: {service: {name: api, port: {number: 80}}}\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /api\n        pathType: Prefix\n        backend: {service: {name: api, port: {number: 80}}}\n',
      },
    },
  },
  check(ctx) {
    for (const ing of ingressesOf(ctx.model)) {
      const v1 = ing.apiVersion === 'networking.k8s.io/v1';
      asArray(asRecord(ing.raw['spec'])?.['rules']).forEach((rule, i) => {
        asArray(asRecord(asRecord(rule)?.['http'])?.['paths']).forEach((p, j) => {
          if (!isRecord(p)) return;
          const at = ['spec', 'rules', i, 'http', 'paths', j];
          const path = asString(p['path']);
          const pathType = asString(p['pathType']);
          if (v1 && !pathType) {
            ctx.report({
              object: ing,
              path: at,
              message: `Ingress ${ing.name}: path ${path ?? '(none)'} has no pathType; networking.k8s.io/v1 requires Prefix, Exact or ImplementationSpecific.`,
            });
          }
          if (path === undefined) return;
          if (!path.startsWith('/')) {
            ctx.report({
              object: ing,
              path: [...at, 'path'],
              message: `Ingress ${ing.name}: path '${path}' does not start with '/'; the API server rejects it. Write '/${path}'.`,
            });
          } else if ((pathType === 'Prefix' || pathType === 'Exact') && REGEX_CHARS.test(path)) {
            ctx.report({
              object: ing,
              path: [...at, 'path'],
              severity: 'warning',
              message: `Ingress ${ing.name}: ${pathType} path '${path}' contains regular-expression characters, which ${pathType} paths match literally; use pathType ImplementationSpecific with the controller's regex support, or a plain prefix.`,
            });
          }
        });
      });
    }
  },
};
