import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RULES } from '../rules/index';
import { defaultConfig } from '../src/config/types';
import { runRules } from '../src/engine/run';
import type { Rule } from '../src/engine/types';
import { modelOf } from './helpers';

const e = suite('engine');

const SVC =
  'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: webb}\n  ports: [{port: 80}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: web}}\nspec: {containers: [{name: c, image: x}]}\n';

e('a rule that throws becomes one internal-error finding; the other rules still run', () => {
  const boom: Rule = {
    meta: { ...RULES[0]!.meta, id: 'boom' },
    check: () => {
      throw new Error('kaboom');
    },
  };
  const selector = RULES.find((r) => r.meta.id === 'service-selector-no-match')!;
  const { findings, crashed } = runRules(modelOf({ 'a.yaml': SVC }), {
    rules: [boom, selector],
    severities: {},
    config: defaultConfig('/'),
  });
  assert.equal(crashed, ['boom']);
  assert.equal(findings.map((f) => f.ruleId).sort(), ['internal-error', 'service-selector-no-match']);
  assert.match(
    findings.find((f) => f.ruleId === 'internal-error')!.message,
    /rule boom failed on this input and was skipped \(kaboom\)/,
  );
});

e('severities: off skips a rule; a configured level applies to all its findings', () => {
  const model = modelOf({ 'a.yaml': SVC });
  const config = defaultConfig('/');
  assert.is(
    runRules(model, { rules: RULES, severities: { 'service-selector-no-match': 'off' }, config }).findings
      .length,
    0,
  );
  const f = runRules(model, {
    rules: RULES,
    severities: { 'service-selector-no-match': 'note' },
    config,
  }).findings;
  assert.equal(
    f.map((x) => x.severity),
    ['note'],
  );
});

e('findings are sorted by file, line and rule', () => {
  const model = modelOf({ 'b.yaml': SVC, 'a.yaml': SVC.replace(/web/g, 'api') });
  const f = runRules(model, { rules: RULES, severities: {}, config: defaultConfig('/') }).findings;
  assert.equal(
    f.map((x) => x.location.file),
    ['a.yaml', 'b.yaml'],
  );
});

e.run();
