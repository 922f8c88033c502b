import type { Rule } from '../../src/engine/types';
import { GATEWAY_GROUP } from '../../src/model/gateway';
import { asRecord, asString } from '../../src/util/values';

export const gatewayClassMissing: Rule = {
  meta: {
    id: 'gateway-class-missing',
    description: 'Gateway names a GatewayClass that is not in the input',
    details:
      'Reports a Gateway whose gatewayClassName names no GatewayClass in the input: a note, since controllers ' +
      'install their GatewayClass themselves (and classes of several controllers coexist); an error when a ' +
      'GatewayClass near it has a name a typo away.',
    severity: 'error',
    tags: ['gateway-api'],
    docs: {
      why: 'A controller serves only Gateways of its own GatewayClass: with a class no controller owns, the Gateway stays Accepted=Unknown (Pending, "Waiting for controller") and has no address.',
      symptoms: [
        'Accepted Unknown: Pending',
        'Waiting for controller',
        'the Gateway has no ADDRESS in kubectl get gateway',
      ],
      fix: 'Set spec.gatewayClassName to the GatewayClass your controller installs (kubectl get gatewayclass).',
      example: {
        bad: 'apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: nginx}\nspec: {controllerName: gateway.nginx.org/nginx-gateway-controller}\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  gatewayClassName: ngnix\n  listeners: [{name: http, port: 80, protocol: HTTP}]\n',
        good: 'apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: nginx}\nspec: {controllerName: gateway.nginx.org/nginx-gateway-controller}\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  gatewayClassName: nginx\n  listeners: [{name: http, port: 80, protocol: HTTP}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    for (const gw of model.ofKind(GATEWAY_GROUP, 'Gateway')) {
      const name = asString(asRecord(gw.raw['spec'])?.['gatewayClassName']);
      if (!name || model.get(GATEWAY_GROUP, 'GatewayClass', undefined, name)) continue;
      // The closed-world rule (closed-world.ts): GatewayClasses near the Gateway make a typo likely.
      const verdict = model.judgeMissing(
        { group: GATEWAY_GROUP, kind: 'GatewayClass', namespace: undefined, name },
        gw,
      );
      // Several controllers' classes live side by side: other classes near it prove nothing, only a
      // name a typo away does.
      const level = verdict.level === 'error' ? 'error' : 'note';
      ctx.report({
        object: gw,
        path: ['spec', 'gatewayClassName'],
        severity: level,
        message:
          level === 'note'
            ? `Gateway ${gw.name} names GatewayClass '${name}', which is not in the input; the input cannot show that a controller serves it (controllers install their GatewayClass).`
            : `Gateway ${gw.name} names GatewayClass '${name}', which is not in the input; no controller serves the Gateway unless the cluster has that class.${verdict.reason}`,
        related: verdict.similar
          ? [
              {
                object: verdict.similar,
                path: ['metadata', 'name'],
                message: `GatewayClass ${verdict.similar.name}`,
              },
            ]
          : [],
      });
    }
  },
};
