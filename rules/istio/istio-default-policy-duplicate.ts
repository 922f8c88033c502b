import type { Rule } from '../../src/engine/types';
import { rootNamespace } from '../../src/istio/mtls';
import {
  ISTIO_NETWORKING,
  ISTIO_SECURITY,
  istioObjects,
  type NamespacedObject,
} from '../../src/istio/resources';
import { isNear } from '../../src/model/proximity';
import { asRecord, getPath } from '../../src/util/values';

/** Whether a selector field selects nothing in particular (absent, or empty labels): namespace-wide. */
function selectorLess(obj: NamespacedObject, field: string): boolean {
  const sel = asRecord(getPath(obj.raw, ['spec', field]));
  if (!sel) return true;
  const labels = asRecord(sel['matchLabels']) ?? asRecord(sel['labels']);
  return Object.keys(sel).length === 0 || (labels !== undefined && Object.keys(labels).length === 0);
}

const KINDS = [
  { group: ISTIO_SECURITY, kind: 'PeerAuthentication', field: 'selector' },
  { group: ISTIO_NETWORKING, kind: 'Sidecar', field: 'workloadSelector' },
];

export const istioDefaultPolicyDuplicate: Rule = {
  meta: {
    id: 'istio-default-policy-duplicate',
    description: 'More than one selector-less Istio Sidecar or PeerAuthentication in a namespace',
    details:
      'Reports a second PeerAuthentication without selector, or a second Sidecar without workloadSelector, in one ' +
      'namespace (in the root namespace these are the mesh-wide defaults): definitions in one file, or near each other ' +
      '(same folder, or one inside the other) with namespaces the input fixes, so alternative overlays and test cases ' +
      'are not compared. A warning when the namespace is not written (it depends on where they are applied).',
    severity: 'error',
    tags: ['istio', 'mtls'],
    docs: {
      why:
        'Istio allows one namespace-wide (or mesh-wide) PeerAuthentication and one default Sidecar per namespace; with ' +
        'several, it uses the oldest and ignores the rest, so which mTLS mode or egress scope applies depends on creation order.',
      symptoms: [
        'upstream connect error or disconnect/reset before headers',
        'istioctl analyze: IST0123 MultipleSidecarsWithoutWorkloadSelectors',
      ],
      fix: 'Keep one selector-less policy per namespace; give the others a selector, or merge them.',
      example: {
        bad:
          'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: shop}\nspec:\n  mtls: {mode: STRICT}\n---\n' +
          'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: permissive, namespace: shop}\nspec:\n  mtls: {mode: PERMISSIVE}\n',
        good: 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: shop}\nspec:\n  mtls: {mode: STRICT}\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    const root = rootNamespace(model);
    for (const { group, kind, field } of KINDS) {
      const seen = new Map<string, NamespacedObject[]>();
      for (const obj of istioObjects(model, group, kind)) {
        if (!selectorLess(obj, field)) continue;
        const list = seen.get(obj.namespace) ?? [];
        // The same object defined twice is duplicate-object's; another one near it is a conflict.
        // Files beside each other are often alternatives (good and bad test cases, overlays) applied
        // one at a time; they count only when the input fixes both namespaces. In one file the two
        // are applied together, into one namespace even when none is written.
        const first = list.find(
          (o) =>
            o.name !== obj.name &&
            (o.doc.file.path === obj.doc.file.path ||
              (isNear(o, obj) && !o.defaultedNamespace && !obj.defaultedNamespace)),
        );
        list.push(obj);
        seen.set(obj.namespace, list);
        if (!first) continue;
        const scope =
          obj.namespace === root ? 'mesh-wide (root namespace)' : `namespace-wide in '${obj.namespace}'`;
        ctx.report({
          object: obj,
          path: ['metadata', 'name'],
          ...(obj.defaultedNamespace || first.defaultedNamespace ? { severity: 'warning' as const } : {}),
          message: `${kind} ${obj.name} is a second ${scope} ${kind} besides ${first.id}: Istio applies only the oldest of them, so the result depends on creation order.`,
          related: [{ object: first, path: ['metadata', 'name'], message: `${first.id}` }],
        });
      }
    }
  },
};
