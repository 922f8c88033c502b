import type { Rule } from '../../src/engine/types';
import type { KObject } from '../../src/model/object';
import { proximity } from '../../src/model/proximity';
import { servicePorts, type ServicePortSpec } from '../../src/model/service-ports';
import { asRecord, asString } from '../../src/util/values';

export const nodePortConflict: Rule = {
  meta: {
    id: 'node-port-conflict',
    description: 'Two Services claim the same nodePort',
    details:
      'Reports a Service port whose nodePort and protocol another Service in the input already claims. Node ports ' +
      'are cluster-wide, whatever the namespace. The same Service defined twice (install variants) is not a ' +
      'conflict, and Services in sibling folders (separate installs) are not compared. Within one file it is an ' +
      'error; across files of one folder a note, since the input does not prove both are applied together.',
    severity: 'error',
    tags: ['service', 'ports'],
    docs: {
      why: 'The API server allocates each node port once: the second Service is rejected, so whichever applies last fails.',
      symptoms: ['spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated'],
      fix: 'Give each Service its own nodePort, or leave nodePort out and let the cluster assign one.',
      example: {
        bad: 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 30080}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: other}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 30080}]\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: other}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 30081}]\n',
      },
    },
  },
  check(ctx) {
    const claimed = new Map<string, { svc: KObject; sp: ServicePortSpec }[]>();
    for (const svc of ctx.model.ofKind('', 'Service')) {
      const type = asString(asRecord(svc.raw['spec'])?.['type']);
      if (type !== 'NodePort' && type !== 'LoadBalancer') continue;
      for (const sp of servicePorts(svc)) {
        if (sp.nodePort === undefined) continue;
        const key = `${sp.nodePort}/${sp.protocol}`;
        const earlier = claimed.get(key) ?? [];
        // The same Service in two files is a variant, not a conflict; Services in sibling folders
        // (install variants, unrelated projects) are not compared.
        const first = earlier.find((e) => e.svc.id !== svc.id && proximity(e.svc, svc) <= 2);
        earlier.push({ svc, sp });
        claimed.set(key, earlier);
        if (!first) continue;
        // Two files of one folder may be applied together or not (test steps, alternatives): only
        // one file proves that both Services exist at once.
        const sameFile = first.svc.doc.file === svc.doc.file;
        ctx.report({
          object: svc,
          path: [...sp.path, 'nodePort'],
          ...(sameFile ? {} : { severity: 'note' as const }),
          message:
            `Service ${svc.namespace}/${svc.name} claims nodePort ${key}, which Service ${first.svc.namespace}/${first.svc.name} already claims; node ports are cluster-wide and the second is rejected` +
            (sameFile ? '.' : ` if both are applied (${first.svc.doc.file.path} defines the other).`),
          related: [
            {
              object: first.svc,
              path: [...first.sp.path, 'nodePort'],
              message: `nodePort ${key} of ${first.svc.id}`,
            },
          ],
        });
      }
    }
  },
};
