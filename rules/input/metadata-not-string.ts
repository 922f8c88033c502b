import { isScalar } from 'yaml';
import type { Rule } from '../../src/engine/types';
import type { KObject } from '../../src/model/object';
import { asRecord } from '../../src/util/values';

/**
 * Plain scalars that YAML 1.1 reads as booleans. kubectl and most Kubernetes tools read YAML with
 * sigs.k8s.io/yaml (go-yaml, YAML 1.1), so `namespace: y` reaches the API server as `true`, even
 * though YAML 1.2 parsers (ours among them) read the string "y".
 */
const YAML11_BOOLEANS =
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE)$/;

/** What kubectl sends for the field, when that is not a string; undefined when it is one. */
function nonString(obj: KObject, key: 'name' | 'namespace'): string | undefined {
  const meta = asRecord(obj.raw['metadata']);
  if (!meta || !(key in meta)) return undefined;
  const v = meta[key];
  if (v === null) return undefined; // `namespace:` with no value: unset, the API's default applies
  if (typeof v !== 'string') return `${typeof v} ${JSON.stringify(v)}`;
  if (!YAML11_BOOLEANS.test(v)) return undefined;
  const node = obj.doc.ast().getIn([...obj.doc.basePath, 'metadata', key], true);
  return isScalar(node) && node.type === 'PLAIN' ? `boolean (YAML 1.1 reads '${v}' as a boolean)` : undefined;
}

export const metadataNotString: Rule = {
  meta: {
    id: 'metadata-not-string',
    description: 'metadata.name or metadata.namespace is not a string',
    details:
      'Reports a metadata.name or metadata.namespace written as a number or a boolean, including the plain ' +
      'scalars y, n, yes, no, on and off, which YAML 1.1 (what kubectl uses) reads as booleans. The API server ' +
      'rejects the object; kube-netlint itself reads such a namespace as unset (the default namespace).',
    severity: 'error',
    tags: ['input'],
    docs: {
      why:
        'kubectl converts YAML to JSON with YAML 1.1 rules, so `namespace: y` becomes `true` and `name: 0123` a ' +
        'number. ObjectMeta fields are strings, so the API server refuses the whole object.',
      symptoms: [
        'json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.namespace of type string',
        'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string',
      ],
      fix: 'Quote the value: namespace: "y", name: "0123".',
      example: {
        bad: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: y\n',
        good: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: "y"\n',
      },
    },
  },
  check(ctx) {
    for (const obj of ctx.model.objects) {
      for (const key of ['name', 'namespace'] as const) {
        const what = nonString(obj, key);
        if (!what) continue;
        ctx.report({
          object: obj,
          path: ['metadata', key],
          message: `${obj.kind} metadata.${key} is a ${what}, not a string: the API server rejects the object. Quote it.`,
        });
      }
    }
  },
};
