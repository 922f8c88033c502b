import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../src/config/types';
import { lintTexts, runCli, tempDir } from './helpers';

const svc = (name: string, extra = '', selectorComment = '') =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${extra}spec:\n  selector:${selectorComment}\n    app: ${name}-nothing\n---\n`;
const DEPLOY =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {metadata: {labels: {app: d}}}}\n';

function states(text: string, config = defaultConfig('/virtual')): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of lintTexts({ 'a.yaml': text }, { config, ruleIds: ['service-selector-no-match'] })) {
    if (f.object)
      out[f.object.name] = f.suppressions.length ? `suppressed by ${f.suppressions[0]!.kind}` : 'reported';
  }
  return out;
}

const s = suite('suppression');

s('annotation: a list of rule ids or *, with a reason', () => {
  const text =
    svc('a', '  annotations:\n    kube-netlint.io/ignore: "parse-error, service-selector-no-match"\n') +
    svc('b', '  annotations:\n    kube-netlint.io/ignore: "*"\n') +
    svc('c', '  annotations:\n    kube-netlint.io/ignore: parse-error\n') +
    DEPLOY;
  assert.equal(states(text), { a: 'suppressed by inSource', b: 'suppressed by inSource', c: 'reported' });
  const f = lintTexts({
    'a.yaml':
      svc(
        'a',
        '  annotations:\n    kube-netlint.io/ignore: "*"\n    kube-netlint.io/ignore-reason: owned by operator\n',
      ) + DEPLOY,
  })[0]!;
  assert.is(f.suppressions[0]!.justification, 'owned by operator');
});

s('comments: disable-next-line, disable-line, disable/enable blocks; other rules are not affected', () => {
  const text =
    svc('a', '', '').replace(
      'spec:\n',
      'spec:\n  # kube-netlint-disable-next-line service-selector-no-match\n',
    ) +
    svc('b', '', ' # kube-netlint-disable-line') +
    svc('c', '', ' # kube-netlint-disable-line parse-error') +
    '# kube-netlint-disable service-selector-no-match -- legacy block\n' +
    svc('d') +
    '# kube-netlint-enable service-selector-no-match\n' +
    svc('e') +
    DEPLOY;
  assert.equal(states(text), {
    a: 'suppressed by inSource',
    b: 'suppressed by inSource',
    c: 'reported',
    d: 'suppressed by inSource',
    e: 'reported',
  });
});

s('config ignoreFindings: by rule, kind, namespace, name and file glob (external suppression)', () => {
  const config = defaultConfig('/virtual');
  config.ignoreFindings = [
    {
      rule: 'service-selector-no-match',
      kind: 'Service',
      namespace: 'default',
      name: 'a',
      file: undefined,
      reason: 'third party',
    },
    {
      rule: undefined,
      kind: undefined,
      namespace: undefined,
      name: 'b',
      file: 'other.yaml',
      reason: undefined,
    },
    { rule: '*', kind: undefined, namespace: undefined, name: 'c', file: '*.yaml', reason: undefined },
  ];
  assert.equal(states(svc('a') + svc('b') + svc('c') + svc('d') + DEPLOY, config), {
    a: 'suppressed by external',
    b: 'reported',
    c: 'suppressed by external',
    d: 'reported',
  });
});

s('config file ignoreFindings end to end, and pods declared for in-house operators', () => {
  const dir = tempDir();
  writeFileSync(
    path.join(dir, '.kube-netlint.yaml'),
    'ignoreFindings:\n  - rule: service-selector-no-match\n    name: a\n    reason: vendored chart\npods:\n  - namespace: default\n    labels: {app: b-nothing}\n',
  );
  writeFileSync(path.join(dir, 'x.yaml'), svc('a') + svc('b') + svc('c') + DEPLOY);
  const r = runCli(
    ['-f', 'json', '--rule', 'endpointslice-without-service=off', '--rule', 'workload-selector-mismatch=off'],
    { cwd: dir },
  );
  const findings = (
    JSON.parse(r.stdout) as {
      findings: {
        object: { name: string };
        suppressed: boolean;
        suppressions: { justification: string }[];
      }[];
    }
  ).findings;
  assert.equal(
    findings.map((f) => `${f.object.name}:${f.suppressed}`),
    ['a:true', 'c:false'],
  );
  assert.is(findings[0]!.suppressions[0]!.justification, 'vendored chart');
});

s.run();
