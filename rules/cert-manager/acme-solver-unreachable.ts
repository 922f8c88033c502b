import type { Rule } from '../../src/engine/types';
import { CERT_MANAGER_GROUP, http01Solvers, SOLVER_LABEL, SOLVER_PORT } from '../../src/model/cert-manager';
import { isNear } from '../../src/model/proximity';
import { policyEngine } from '../../src/netpol/index';
import { looksLikeTypo } from '../../src/util/similar';
import { asString } from '../../src/util/values';
import {
  controllerForClass,
  ingressClassControllers,
  ingressControllerPods,
} from '../../src/model/ingress-controller';

export const acmeSolverUnreachable: Rule = {
  meta: {
    id: 'acme-solver-unreachable',
    description: 'ACME HTTP-01 solver cannot be reached through the ingress controller',
    details:
      'Reports an ACME Issuer or ClusterIssuer HTTP-01 ingress solver whose ingressClassName (or class) is not an ' +
      'IngressClass of the input while others are near it, and solver pods (label ' +
      'acme.cert-manager.io/http01-solver=true, port 8089, in the namespace of each Certificate or annotated Ingress ' +
      'using the issuer) that NetworkPolicies isolate without admitting the ingress controller. The controller is ' +
      'found as for ingress-backend-blocked: in the input, from the IngressClass controller, or from the config.',
    severity: 'warning',
    tags: ['cert-manager', 'tls', 'ingress', 'networkpolicy'],
    docs: {
      why:
        'Let’s Encrypt fetches http://<host>/.well-known/acme-challenge/<token> through the ingress controller, which ' +
        'forwards it to a temporary solver pod. A solver Ingress no controller serves, or a default-deny policy that ' +
        'drops the controller’s connection to the solver, leaves the challenge pending until it fails.',
      symptoms: [
        'Waiting for HTTP-01 challenge propagation: failed to perform self check GET request',
        'challenge pending; Certificate … not ready (Issuing certificate as Secret does not exist)',
        'context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
      ],
      fix: 'Set the solver’s ingressClassName to a class the cluster has, and allow ingress from the controller’s namespace to pods labelled acme.cert-manager.io/http01-solver: "true" on port 8089.',
      example: {
        bad: 'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\nspec: {controller: k8s.io/ingress-nginx}\n---\napiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: letsencrypt}\nspec:\n  acme:\n    server: https://acme-v02.api.letsencrypt.org/directory\n    privateKeySecretRef: {name: letsencrypt}\n    solvers: [{http01: {ingress: {ingressClassName: ngnix}}}]\n',
        good: 'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\nspec: {controller: k8s.io/ingress-nginx}\n---\napiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: letsencrypt}\nspec:\n  acme:\n    server: https://acme-v02.api.letsencrypt.org/directory\n    privateKeySecretRef: {name: letsencrypt}\n    solvers: [{http01: {ingress: {ingressClassName: nginx}}}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const classes = model.ofKind('networking.k8s.io', 'IngressClass');
    const controllerOf = ingressClassControllers(model);
    const issuers = [
      ...model.ofKind(CERT_MANAGER_GROUP, 'Issuer'),
      ...model.ofKind(CERT_MANAGER_GROUP, 'ClusterIssuer'),
    ];
    const engine = policyEngine(model, ctx.cluster);
    for (const issuer of issuers) {
      for (const solver of http01Solvers(issuer)) {
        // `name` makes cert-manager edit an existing Ingress, which keeps its own class.
        if (asString(solver.ingress['name'])) continue;
        const field = asString(solver.ingress['ingressClassName']) ? 'ingressClassName' : 'class';
        const cls = asString(solver.ingress[field]);
        if (cls && !controllerOf.has(cls)) {
          const near = classes.filter((c) => isNear(c, issuer));
          if (near.length) {
            const similar = near.find((c) => looksLikeTypo(cls, c.name));
            ctx.report({
              object: issuer,
              path: [...solver.path, field],
              severity: similar ? 'error' : 'warning',
              message: `${issuer.kind} ${issuer.name}: the HTTP-01 solver asks for ingress class '${cls}', which is not in the input (it has ${near
                .map((c) => `'${c.name}'`)
                .join(
                  ', ',
                )})${similar ? `; did you mean '${similar.name}'?` : ''} No controller serves the solver Ingress, so challenges stay pending.`,
              related: near
                .slice(0, 3)
                .map((c) => ({ object: c, path: ['metadata', 'name'], message: `IngressClass ${c.name}` })),
            });
            continue;
          }
        }
        if (engine.policies.length === 0) continue;
        const controller = controllerForClass(ctx.cluster, cls, controllerOf);
        if (!controller) continue;
        const sources = ingressControllerPods(model, controller).pods;
        const solverPods = model.pods.filter(
          (p) =>
            p.owner === issuer &&
            p.labels.get(SOLVER_LABEL) === 'true' &&
            p.labelsPath.join('.') === solver.path.join('.'),
        );
        for (const pod of solverPods) {
          const isolating = engine.isolating(pod, 'ingress');
          if (!isolating.length) continue;
          const t = { protocol: 'TCP', port: SOLVER_PORT };
          if (sources.some((src) => engine.ingress(pod, { kind: 'pod', pod: src }, t).allowed)) continue;
          ctx.report({
            object: issuer,
            path: solver.path,
            message: `${issuer.kind} ${issuer.name}: in namespace '${pod.namespace}' ${isolating
              .slice(0, 3)
              .map((p) => `${p.obj.kind} ${p.obj.name}`)
              .join(
                ', ',
              )} isolates the HTTP-01 solver pods (${SOLVER_LABEL}=true) and admits no ingress controller pod (${controller.namespace}, ${Object.entries(
              controller.labels,
            )
              .map(([k, v]) => `${k}=${v}`)
              .join(
                ', ',
              )}) on port ${SOLVER_PORT}; the challenge stays pending and the certificate is never issued.`,
            related: isolating.slice(0, 3).map((p) => ({
              object: p.obj,
              path: ['spec', 'podSelector'],
              message: `${p.obj.kind} ${p.obj.id}`,
            })),
          });
        }
      }
    }
  },
};
