import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RULES } from '../rules/index';
import { documentedRules, generatedFiles } from '../src/docs/generate';
import { ROOT } from './helpers';

const d = suite('docs');

d('README rule table and docs/rules/*.md match the rule metadata (run `npm run docs`)', () => {
  for (const f of generatedFiles()) {
    assert.ok(existsSync(f.file), `${path.relative(ROOT, f.file)} is missing: run npm run docs`);
    assert.ok(
      readFileSync(f.file, 'utf8') === f.content,
      `${path.relative(ROOT, f.file)} is stale: run npm run docs`,
    );
  }
  const onDisk = readdirSync(path.join(ROOT, 'docs', 'rules')).sort();
  assert.equal(
    onDisk,
    documentedRules()
      .map((m) => `${m.id}.md`)
      .sort(),
  );
});

d('rule metadata is complete and ids are stable kebab-case', () => {
  const ids = new Set<string>();
  for (const { meta } of RULES) {
    assert.match(meta.id, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    assert.not.ok(ids.has(meta.id), `duplicate id ${meta.id}`);
    ids.add(meta.id);
    assert.ok(meta.description.length > 10 && meta.description.length < 80, `${meta.id}: description length`);
    assert.ok(meta.details && meta.docs.why && meta.docs.fix, `${meta.id}: docs`);
    assert.ok(meta.tags.length > 0);
  }
});

d('the README has the two-command quick start', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  assert.match(readme, /npm install && node bin\/kube-netlint\.js examples/);
  assert.match(readme, /\nnpm test\n/);
});

d.run();
