import { podOwners } from '../../src/engine/related';
import type { Rule } from '../../src/engine/types';
import { gatewayPods } from '../../src/istio/gateway-pods';
import { gatewayServers, ISTIO_NETWORKING, istioObjects } from '../../src/istio/resources';
import { isNear } from '../../src/model/proximity';
import { asString, getPath } from '../../src/util/values';

export const istioGatewayCredentialMissing: Rule = {
  meta: {
    id: 'istio-gateway-credential-missing',
    description: "Istio Gateway credentialName names no Secret in the gateway pods' namespace",
    details:
      "Reports a Gateway server's tls.credentialName for which no Secret (and no cert-manager Certificate with that " +
      'secretName) exists in the namespace of the gateway pods the selector matches: Istio reads the Secret there, not ' +
      "in the Gateway's namespace. A note, since Secrets are rarely kept in git; nothing when the input holds no Secret " +
      'near the Gateway, or no gateway pod near it.',
    severity: 'note',
    tags: ['istio', 'gateway', 'tls'],
    docs: {
      why:
        "The gateway's Envoy fetches the certificate named by credentialName from its own namespace (istio-system for the " +
        "default ingress gateway), not from the Gateway's. Missing there, the HTTPS listener has no certificate and Istio " +
        'drops it: TLS handshakes fail.',
      symptoms: [
        'curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL',
        'istio-ingressgateway logs: failed to fetch key and certificate for kubernetes://<name>',
        'istioctl analyze: IST0150 GatewayCredentialNotFound / ReferencedResourceNotFound',
      ],
      fix: 'Create the TLS Secret (or the cert-manager Certificate) in the namespace of the gateway pods, with the credentialName as its name.',
      example: {
        bad:
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: istio-ingressgateway, namespace: istio-system}\nspec:\n  selector: {matchLabels: {istio: ingressgateway}}\n  template:\n    metadata: {labels: {istio: ingressgateway}}\n    spec: {containers: [{name: istio-proxy, image: docker.io/istio/proxyv2:1.22.0}]}\n---\n' +
          'apiVersion: v1\nkind: Secret\nmetadata: {name: shop-cert, namespace: shop}\ntype: kubernetes.io/tls\n---\n' +
          'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: shop, namespace: shop}\nspec:\n  selector: {istio: ingressgateway}\n' +
          '  servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [shop.example.com], tls: {mode: SIMPLE, credentialName: shop-cert}}]\n',
        good: 'apiVersion: v1\nkind: Secret\nmetadata: {name: shop-cert, namespace: istio-system}\ntype: kubernetes.io/tls\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const secrets = model.ofKind('', 'Secret');
    if (secrets.length === 0) return;
    const provided = new Set(secrets.map((s) => `${s.namespace ?? ''}/${s.name}`));
    for (const cert of model.ofKind('cert-manager.io', 'Certificate')) {
      const name = asString(getPath(cert.raw, ['spec', 'secretName']));
      if (name) provided.add(`${cert.namespace ?? ''}/${name}`);
    }
    for (const gw of istioObjects(model, ISTIO_NETWORKING, 'Gateway')) {
      // Closed world (closed-world.ts): only gateway pods and Secrets near the Gateway make a missing
      // Secret likely a mistake; a repository of many examples shares istio-system by accident.
      const pods = gatewayPods(model, gw).filter((p) => isNear(p.owner, gw));
      if (!secrets.some((s) => isNear(s, gw))) continue;
      const namespaces = [...new Set(pods.map((p) => p.namespace))];
      if (namespaces.length === 0) continue;
      for (const server of gatewayServers(gw)) {
        const name = server.credentialName;
        // A `<namespace>/<name>` or URI form (sds://, kubernetes://) is out of scope here.
        if (!name || /[/:]/.test(name)) continue;
        const missing = namespaces.filter((ns) => !provided.has(`${ns}/${name}`));
        if (missing.length === 0) continue;
        const elsewhere = secrets.filter((s) => s.name === name && !namespaces.includes(s.namespace ?? ''));
        ctx.report({
          object: gw,
          path: ['spec', 'servers', server.index, 'tls', 'credentialName'],
          message:
            `Gateway ${gw.name}: credentialName '${name}' is not a Secret of namespace '${missing.join("', '")}' in the input, ` +
            'where its gateway pods run and Istio looks it up' +
            (elsewhere.length
              ? `; Secret ${elsewhere
                  .map((s) => s.id)
                  .slice(0, 2)
                  .join(', ')} is in another namespace, which the gateway does not read.`
              : ' (it may be created out of band).'),
          related: [
            ...podOwners(pods, (p) => `gateway pods of ${p.owner.id}`, 3),
            ...elsewhere
              .slice(0, 2)
              .map((s) => ({ object: s, path: ['metadata', 'namespace'], message: `Secret ${s.id}` })),
          ],
        });
      }
    }
  },
};
