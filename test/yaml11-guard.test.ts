import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { needsFullParse } from '../src/load/yaml11-guard';
import { slowPathReason } from '../src/load/parse';
import { loadTexts } from './helpers';

const guard = suite('yaml11 guard: which texts leave the fast path');

const doc = (body: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n${body}`;

// Zero-led numbers inside longer plain scalars, dates and ordinary values: YAML 1.1 and 1.2 agree.
const FAST = [
  'name: team-01',
  'name: app-00040',
  'name: node-07',
  'name: redis-01',
  'host: worker-007.example',
  'date: 2024-01-02',
  'image: nginx:1.25-01',
  'schedule: 0 0 * * *',
  'time: 1:30',
  'description: say yes to everything',
  'labels: {tier: web-01, zone: eu-01}',
  'args: [run-01, "--yes", team-010]',
  'mode: "0644"',
  "enabled: 'yes'",
  'replicas: 10',
  'port: 8080',
  'hex: 0x1F',
  'flag: true',
  'key: yesterday',
  'key: none',
  'key: online',
  'anchor: &a value',
  'price: 3*4',
  'name: user_01',
  '# Sources: not helm',
];

// A value in a position where go-yaml (YAML 1.1) and js-yaml (YAML 1.2) disagree.
const FULL = [
  'replicas: 010',
  'mode: 0644',
  'mode: -0644',
  'mode: +0_644',
  'enabled: yes',
  'enabled: Yes # comment',
  'enabled: OFF',
  'list:\n- on',
  'list:\n  - - n',
  'flags: [n, y]',
  'flags: [a,Y]',
  'flags: {a: no}',
  'flags: {"a":no}',
  'key:\n  yes',
  'yes: key',
  'on: [push]',
  '010: key',
  'key: *anchor',
  'keys:\n  <<: *base',
  'list: [*a, b]',
  'anchored: &a yes',
  'big: 1_000',
  'hex: 0x_1F',
  'float: 1_000.5',
]
  .map((body) => ({ body, text: doc(body + '\n') }))
  .concat([{ body: 'helm source', text: '---\n# Source: chart/templates/cm.yaml\n' + doc('') }]);

for (const body of FAST)
  guard(`fast: ${body}`, () => {
    assert.is(needsFullParse(doc(body + '\n')), false);
  });
for (const { body, text } of FULL)
  guard(`full: ${body}`, () => {
    assert.is(needsFullParse(text), true);
  });

guard('CRLF line ends are line ends', () => {
  assert.is(needsFullParse(doc('enabled: yes\r\nother: x\r\n')), true);
  assert.is(needsFullParse(doc('name: team-01\r\n')), false);
});

guard('hostile input: long runs of spaces, digits, underscores and indicators', () => {
  // Overlapping quantifiers would make these quadratic (10^10 steps at 200k characters) and hang the
  // run; the guard scans each run once. Not a timed assertion: the answers are checked.
  assert.is(needsFullParse(': ' + ' '.repeat(200_000) + 'x'), false);
  assert.is(needsFullParse(': ' + '0'.repeat(200_000) + 'x'), false);
  assert.is(needsFullParse(': 0' + '7'.repeat(200_000)), true);
  assert.is(needsFullParse(': 1' + '_'.repeat(200_000) + 'z'), false);
  assert.is(needsFullParse(': &' + 'a'.repeat(200_000)), false);
  assert.is(needsFullParse('- '.repeat(100_000) + 'x'), false);
  assert.is(needsFullParse(',[{'.repeat(100_000)), false);
});

guard.run();

const values = suite('yaml11 guard: values as Kubernetes reads them');

// A kind whose fields the loader keeps as they are (ConfigMap data is pruned).
const widget = (body: string) => `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n${body}`;

values('octal, booleans and underscore numbers are read as go-yaml reads them', () => {
  const text = widget(
    'data:\n  mode: 0644\n  value: yes\n  list: [n, on]\n  big: 1_000\n  name: team-01\n  date-ish: app-00040\n',
  );
  const { docs, diagnostics } = loadTexts({ 'a.yaml': text });
  assert.equal(diagnostics, []);
  const data = docs[0]?.value['data'] as Record<string, unknown>;
  assert.is(data['mode'], 420);
  assert.is(data['value'], true);
  assert.equal(data['list'], [false, true]);
  assert.is(data['big'], 1000);
  assert.is(data['name'], 'team-01');
  assert.is(data['date-ish'], 'app-00040');
});

values('a zero-led name on the fast path stays a string', () => {
  const { docs } = loadTexts({ 'a.yaml': widget('data:\n  replicas: 10\n  name: node-07\n') });
  const data = docs[0]?.value['data'] as Record<string, unknown>;
  assert.is(data['replicas'], 10);
  assert.is(data['name'], 'node-07');
});

values.run();

const exact = suite('yaml11 guard: exact about position (issue #22)');

// The same YAML 1.1 words where no plain scalar is: comments, quoted strings, block scalars, tags.
const NOT_A_VALUE = [
  '# hostNetwork: no',
  'data:  # mode: 0644, enabled: yes',
  'description: "turn it on: yes"',
  "mode: '0644'",
  'notes: |\n  enabled: yes\n  mode: 0644\n  list: [n, on]',
  'notes: >-\n  off: 010',
  'flag: !!str yes',
  'args: ["--on", "yes", "0644"]',
];

for (const body of NOT_A_VALUE)
  exact(`fast: ${JSON.stringify(body)}`, () => {
    assert.is(slowPathReason(doc(body + '\n')), undefined);
  });

for (const { body, text } of FULL)
  exact(`full: ${JSON.stringify(body)}`, () => {
    assert.ok(slowPathReason(text) !== undefined);
  });

for (const body of FAST)
  exact(`fast (loader): ${JSON.stringify(body)}`, () => {
    assert.is(slowPathReason(doc(body + '\n')), undefined);
  });

exact('a commented-out YAML 1.1 value leaves the values as go-yaml reads them', () => {
  const text = widget('data:\n  # mode: 0644\n  mode: "0644"\n  notes: |\n    enabled: yes\n  on: yes\n');
  const { docs, diagnostics } = loadTexts({ 'a.yaml': text });
  assert.equal(diagnostics, []);
  const data = docs[0]?.value['data'] as Record<string, unknown>;
  assert.is(data['mode'], '0644');
  assert.is(data['notes'], 'enabled: yes\n');
  assert.is(data['true'], true);
});

exact.run();
