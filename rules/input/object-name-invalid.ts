import type { Rule } from '../../src/engine/types';
import { isDns1035Label, isDns1123Label, isDns1123Subdomain, isPathSegmentName } from '../../src/model/names';
import { BUILTIN_GROUPS, isConfigFileGroup } from '../../src/model/kinds';
import type { KObject } from '../../src/model/object';
import { asRecord, asString } from '../../src/util/values';

// The name format each kind's validation asks for (k8s.io/kubernetes pkg/apis/core/validation:
// ValidateServiceName is NameIsDNS1035Label, ValidateNamespaceName is NameIsDNSLabel; most kinds and
// custom resources use NameIsDNSSubdomain; RBAC objects only ValidatePathSegmentName, so that
// `system:controller:…` names are valid).
const RBAC = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

function nameFormat(obj: KObject): { ok: (s: string) => boolean; what: string } {
  if (obj.group === '' && obj.kind === 'Service')
    return {
      ok: isDns1035Label,
      what: 'a DNS-1035 label (lowercase letters, digits and -, starting with a letter, at most 63)',
    };
  if (obj.group === '' && obj.kind === 'Namespace')
    return { ok: isDns1123Label, what: 'a DNS-1123 label (lowercase letters, digits and -, at most 63)' };
  if (obj.group === 'rbac.authorization.k8s.io' && RBAC.has(obj.kind))
    return { ok: isPathSegmentName, what: 'a path segment (not . or .., no / or %)' };
  return {
    ok: isDns1123Subdomain,
    what: 'a DNS-1123 subdomain (lowercase letters, digits, - and ., at most 253)',
  };
}

// Placeholders a later step substitutes (envsubst, kustomize vars and components, test scripts):
// ${VAR}, $(var), <name>, %VAR%, __VAR__, @VAR@, $$var$$, an upper-case word (ROLLOUT_NAME,
// REPLACEME), a lone `_`. The input cannot prove the applied name is wrong, so these are a note.
const PLACEHOLDER =
  /\$\{[^}]*\}|\$\([^)]*\)|<[^<>]+>|%[A-Za-z_]+%|__[A-Za-z0-9_]+__|@[A-Za-z_]+@|\$\$[^$]+\$\$|[A-Z][A-Z0-9_]{3,}|^_+$/;

export const objectNameInvalid: Rule = {
  meta: {
    id: 'object-name-invalid',
    description: 'Object names and namespaces the API server rejects',
    details:
      'Reports a metadata.name or metadata.namespace that is not in the format the kind requires: a DNS-1035 label ' +
      'for Services, a DNS-1123 label for Namespaces and namespace fields, a path segment for RBAC objects, a ' +
      'DNS-1123 subdomain for everything else. A name that contains a placeholder (${VAR}, $(VAR), <name>, ' +
      '__VAR__) is a note: something substitutes it before apply.',
    severity: 'error',
    tags: ['input', 'names'],
    docs: {
      why:
        'The API server refuses the object, so the apply fails; and other objects that refer to it by that name ' +
        'point at nothing.',
      symptoms: [
        "metadata.name: Invalid value: \"Web\": a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'",
        'metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character',
      ],
      fix: 'Use lowercase letters, digits and - (and . where a subdomain is allowed); start Service names with a letter.',
      example: {
        bad: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: Web_Frontend\nspec:\n  ports: [{port: 80}]\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web-frontend\nspec:\n  ports: [{port: 80}]\n',
      },
    },
  },
  check(ctx) {
    for (const obj of ctx.model.objects) {
      if (obj.kind === 'KubeNetlintConfig' || isConfigFileGroup(obj.group)) continue;
      // A kind of another group may not be an API object at all (a tool's own file, such as
      // kyverno's Test): the name format is certain only for Kubernetes' own kinds.
      const builtin = BUILTIN_GROUPS.has(obj.group);
      const meta = asRecord(obj.raw['metadata']);
      const checks: { field: string; value: string | undefined; ok: (s: string) => boolean; what: string }[] =
        [
          { field: 'name', value: asString(meta?.['name']), ...nameFormat(obj) },
          {
            field: 'namespace',
            value: asString(meta?.['namespace']),
            ok: isDns1123Label,
            what: 'a DNS-1123 label (lowercase letters, digits and -, at most 63)',
          },
        ];
      for (const { field, value, ok, what } of checks) {
        if (value === undefined || value === '' || ok(value)) continue;
        const placeholder = PLACEHOLDER.test(value);
        ctx.report({
          object: obj,
          path: ['metadata', field],
          severity: placeholder || !builtin ? 'note' : undefined,
          message: placeholder
            ? `${obj.kind} ${field} '${value}' contains a placeholder; once substituted it must be ${what}.`
            : builtin
              ? `${obj.kind} ${field} '${value}' is not ${what}: the API server rejects the object.`
              : `${obj.kind} ${field} '${value}' is not ${what}; if ${obj.kind} is served by the API server ` +
                `(a custom resource), it rejects the object.`,
        });
      }
    }
  },
};
