// The Action's job summary: the findings themselves, most severe first, input text escaped, capped.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { escapeMarkdown, formatJobSummary } from '../src/report/job-summary';
import { lintTexts } from './helpers';

const OPTS = {
  root: '/virtual',
  blobBase: 'https://github.com/acme/shop/blob/0123456789012345678901234567890123456789',
  helpBase: 'https://example.com/docs/rules',
  sarifFile: 'kube-netlint.sarif',
  stats: { files: 1, objects: 2 },
};

const j = suite('job summary');

j('lists findings most severe first, with file:line linked to the blob', () => {
  const findings = lintTexts({
    'a.yaml':
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {matchLabels: {app: nothing}}\n',
    'b.yaml':
      'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: webb}\n  ports: [{port: 80}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}}\n',
  });
  const md = formatJobSummary(findings, OPTS);
  const rows = md.split('\n').filter((l) => /^\| (Error|Warning|Note) \|/.test(l));
  assert.ok(rows.length >= 2, md);
  assert.match(
    rows[0]!,
    /^\| Error \| \[b\\\.yaml\\:5\]\(https:\/\/github\.com\/acme\/shop\/blob\/0{0}0123456789012345678901234567890123456789\/b\.yaml#L5\) \| Service web/,
  );
  assert.match(
    rows[0]!,
    /\| \[`service-selector-no-match`\]\(https:\/\/example\.com\/docs\/rules\/service-selector-no-match\.md\) \|$/,
  );
  const ranks = rows.map((r) => ['Error', 'Warning', 'Note'].indexOf(r.split(' | ')[0]!.slice(2)));
  assert.equal(ranks, [...ranks].sort());
});

j('text from the input cannot format the summary or leave its cell', () => {
  assert.is(escapeMarkdown('a|b'), 'a\\|b');
  assert.is(escapeMarkdown('<img src=x onerror=y>'), '&lt;img src=x onerror=y&gt;');
  assert.is(escapeMarkdown('[x](javascript:1)\n# h'), '\\[x\\]\\(javascript\\:1\\) \\# h');
  assert.is(escapeMarkdown('**b** `c` @team'), '\\*\\*b\\*\\* \\`c\\` \\@team');
  assert.is(escapeMarkdown('$x$'), '\\$x\\$');
});

j('capped: past the byte budget, one line says how many more are in the SARIF', () => {
  const text = Array.from(
    { length: 60 },
    (_, i) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: s${i}}\nspec:\n  selector: {app: x${i}}\n  ports: [{port: 80}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d${i}}\nspec:\n  selector: {matchLabels: {app: y${i}}}\n  template: {metadata: {labels: {app: y${i}}}}\n`,
  ).join('---\n');
  const findings = lintTexts({ 'many.yaml': text }, { ruleIds: ['service-selector-no-match'] });
  assert.is(findings.length, 60);
  const md = formatJobSummary(findings, { ...OPTS, maxBytes: 4000 });
  assert.ok(Buffer.byteLength(md) < 4200, String(Buffer.byteLength(md)));
  const shown = md.split('\n').filter((l) => l.startsWith('| Error |')).length;
  assert.ok(shown > 0 && shown < 60);
  assert.match(md, new RegExp(`^${60 - shown} more in the SARIF \\(kube-netlint\\\\\\.sarif\\)\\.$`, 'm'));
});

j('no findings: says so', () => {
  assert.match(formatJobSummary([], OPTS), /^No findings\.$/m);
});

j.run();
