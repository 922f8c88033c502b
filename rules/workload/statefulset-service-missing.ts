import { servicesIn } from '../../src/engine/related';
import type { Rule } from '../../src/engine/types';
import { asRecord, asString } from '../../src/util/values';
import { mentionsPodDnsName } from './pod-dns-names';

export const statefulsetServiceMissing: Rule = {
  meta: {
    id: 'statefulset-service-missing',
    description: 'StatefulSet serviceName is not a headless Service selecting its pods',
    details:
      'Reports a StatefulSet whose spec.serviceName names no Service in its namespace (a note when the input holds ' +
      'no Service near it), or a headless Service whose selector does not select the StatefulSet’s pods. A ' +
      'governing Service that is not headless is a note (CoreDNS answers per-pod names for ClusterIP Services ' +
      'too), a warning when the input uses <name>-N.<service> names, and nothing for a single replica.',
    severity: 'warning',
    tags: ['workload', 'service', 'dns'],
    docs: {
      why:
        'The governing Service gives each pod its stable DNS name, <pod>.<service>.<namespace>.svc. Without a ' +
        'headless Service that selects the pods, those names never resolve, and peers that find each other by them ' +
        '(databases, quorum members) cannot form a cluster.',
      symptoms: [
        "nslookup db-0.db: can't resolve 'db-0.db'",
        'dial tcp: lookup db-1.db.data.svc.cluster.local: no such host',
      ],
      fix: 'Create a Service with clusterIP: None in the same namespace, named as spec.serviceName, selecting the pod template labels.',
      example: {
        bad: 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  replicas: 3\n  serviceName: db\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  selector: {app: db}\n  ports: [{port: 5432}]\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  clusterIP: None\n  selector: {app: db}\n  ports: [{port: 5432}]\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    // Every string of the input, built once and only when a non-headless Service needs it.
    for (const sts of model.ofKind('apps', 'StatefulSet')) {
      if (sts.namespace === undefined) continue;
      const spec0 = asRecord(sts.raw['spec']);
      const name = asString(spec0?.['serviceName']);
      if (!name) continue; // optional since Kubernetes 1.30; nothing to check without it
      const path = ['spec', 'serviceName'];
      const svc = model.getNearest('', 'Service', sts.namespace, name, sts);
      if (!svc) {
        const elsewhere = model.ofKind('', 'Service').find((s) => s.name === name);
        // The closed-world rule (closed-world.ts), capped at this rule's warning: a namespace
        // without Services near the StatefulSet gets a note.
        const verdict = elsewhere
          ? undefined
          : model.judgeMissing({ group: '', kind: 'Service', namespace: sts.namespace, name }, sts);
        ctx.report({
          object: sts,
          path,
          ...(verdict?.level === 'note' ? { severity: 'note' as const } : {}),
          message:
            `StatefulSet ${sts.name} names governing Service '${name}', which is not in namespace '${sts.namespace}'` +
            (elsewhere ? ` (a Service of that name is in namespace '${elsewhere.namespace}')` : '') +
            `; the pods' DNS names (${sts.name}-0.${name}.${sts.namespace}.svc) never resolve. Add a headless Service '${name}'.` +
            (verdict?.level === 'note' ? verdict.reason : ''),
          related: servicesIn(model, sts.namespace),
        });
        continue;
      }
      const spec = asRecord(svc.raw['spec']);
      const related = [{ object: svc, path: ['spec'], message: `Service ${svc.id}` }];
      if (asString(spec?.['clusterIP']) !== 'None') {
        // The Kubernetes DNS specification promises <pod>.<service> records only for headless
        // Services, but CoreDNS's kubernetes plugin answers such endpoint queries for ClusterIP
        // Services too (plugin/kubernetes: "Endpoint query or headless service"). So this only
        // matters where something uses the per-pod names; a single replica never needs them.
        const replicas = spec0?.['replicas'] ?? 1;
        const used = mentionsPodDnsName(model, sts.name, name);
        if (!used && typeof replicas === 'number' && replicas <= 1) continue;
        ctx.report({
          object: sts,
          path,
          severity: used ? 'warning' : 'note',
          message:
            `StatefulSet ${sts.name} names Service '${name}', which is not headless (clusterIP: None). The per-pod DNS names ` +
            `(${sts.name}-0.${name}.${sts.namespace}.svc) are specified only for headless Services: CoreDNS answers them ` +
            `for ClusterIP Services too, other DNS servers may not.` +
            (used
              ? ` The input uses such names (${sts.name}-N.${name}), so make the Service headless.`
              : ' Make it headless if peers find each other by these names.'),
          related,
        });
        continue;
      }
      const pods = model.servicePods(svc);
      if (asRecord(spec?.['selector']) && !pods.some((p) => p.owner === sts)) {
        ctx.report({
          object: sts,
          path,
          message: `StatefulSet ${sts.name} names headless Service '${name}', whose selector does not select its pods; their DNS names never resolve. Make the Service select the pod template labels.`,
          related,
        });
      }
    }
  },
};
