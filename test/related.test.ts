// Incremental modes (pre-commit, --changed-since, the Action's only-changed) keep a finding when any
// object it involves lies in a changed file, so every cross-object rule must name the objects it
// depends on as related locations. Each trigger fixture is split one document per file here: every
// finding must then point at least one other file, the one whose change could have caused it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FIXTURES, lintTexts } from './helpers';

const CROSS_OBJECT = [
  'egress-blocks-dns',
  'gateway-ref-not-permitted',
  'ingress-backend-blocked',
  'ingress-backend-missing',
  'ingress-backend-no-endpoints',
  'ingress-backend-port-missing',
  'ingress-class-missing',
  'ingress-rule-conflict',
  'node-port-conflict',
  'policy-named-port-missing',
  'policy-peer-selects-nothing',
  'policy-selects-no-pods',
  'policy-uses-service-port',
  'route-backend-missing',
  'route-backend-not-permitted',
  'route-parent-missing',
  'service-port-protocol-mismatch',
  'service-selector-no-match',
  'service-selects-multiple-workloads',
  'service-target-port-missing',
  'statefulset-service-missing',
];

/** Findings that depend on nothing else in the input: what they miss is absent from it. */
const SELF_CONTAINED = [
  /names no IngressClass and the input marks none as default/,
  /the input holds no workload in namespace/,
  // A cluster-wide Cilium selector naming no namespace: no file of the input is the one it missed.
  /may be meant for pods of other repositories/,
  /which is not in the input; cannot check/,
  // Nothing of the kind near the reference: a note that the object may come from elsewhere.
  /The input holds no \w+ in namespace '[^']*' near it/,
  /the input holds none of that name here/,
  /the input holds neither that \w+ nor a ReferenceGrant/,
];

const r = suite('related locations of cross-object findings');

for (const rule of CROSS_OBJECT) {
  r(`${rule}: every finding points at another file`, () => {
    const dir = path.join(FIXTURES, rule);
    let checked = 0;
    for (const name of readdirSync(dir)) {
      if (!name.startsWith('invalid') || statSync(path.join(dir, name)).isDirectory()) continue;
      const docs = readFileSync(path.join(dir, name), 'utf8').split(/^---[^\n]*$/m);
      if (docs.length < 2) continue;
      const files = Object.fromEntries(docs.map((d, i) => [`${name}-${i}.yaml`, d]));
      for (const f of lintTexts(files, { ruleIds: [rule] })) {
        if (f.ruleId !== rule || SELF_CONTAINED.some((re) => re.test(f.message))) continue;
        const elsewhere = f.related.filter((x) => x.location.absPath && x.location.file !== f.location.file);
        assert.ok(elsewhere.length > 0, `${name}: ${f.location.file}: ${f.message}`);
        checked++;
      }
    }
    assert.ok(checked > 0, `no cross-file finding of ${rule} was checked`);
  });
}

r('namespace-label-not-set: points at the Namespace objects whose labels it read', () => {
  const findings = lintTexts(
    {
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: a}}\n',
      'policy.yaml':
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {name: shop}}\n',
    },
    { ruleIds: ['namespace-label-not-set'] },
  );
  assert.equal(
    findings.map((f) => [f.location.file, f.related.map((x) => x.location.file)]),
    [['policy.yaml', ['ns.yaml']]],
  );
});

r.run();
