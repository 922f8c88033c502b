import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type * as Sarif from 'sarif';
import { RULES } from '../rules/index';
import { lintTexts, readJson, runCli, SARIF_SCHEMA, sharedAvailable, skipNotice, tempDir } from './helpers';
import { buildSarif } from '../src/report/sarif';

type Validator = ((data: unknown) => boolean) & { errors?: unknown };

let validator: Validator | undefined;
function validateSarif(log: unknown): void {
  if (!sharedAvailable()) {
    skipNotice('SARIF schema validation');
    return;
  }
  if (!validator) {
    const ajv = new Ajv04({ allErrors: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(readJson<object>(SARIF_SCHEMA)) as Validator;
  }
  const ok = validator(log);
  assert.ok(ok, `SARIF does not validate: ${JSON.stringify(validator.errors, null, 2)}`);
}

const BROKEN =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: webb\n  ports:\n  - port: 80\n---\n' +
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n';

function sarifOf(dir: string, args: string[] = []): Sarif.Log {
  const r = runCli(['-f', 'sarif', ...args], { cwd: dir });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return JSON.parse(r.stdout) as Sarif.Log;
}

const s = suite('sarif');

s('a clean run has one run with results: [] and validates', () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'ok.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
  const log = sarifOf(dir);
  assert.is(log.runs.length, 1);
  assert.equal(log.runs[0]!.results, []);
  validateSarif(log);
});

s('rule metadata, results, regions, logical and related locations', () => {
  const dir = tempDir();
  mkdirSync(path.join(dir, '.git'));
  mkdirSync(path.join(dir, 'deploy'));
  writeFileSync(path.join(dir, 'deploy', 'my app.yaml'), BROKEN);
  const log = sarifOf(path.join(dir, 'deploy'));
  validateSarif(log);
  const run = log.runs[0]!;
  const driver = run.tool.driver;
  assert.is(driver.name, 'kube-netlint');
  assert.match(driver.semanticVersion ?? '', /^\d+\.\d+\.\d+/);
  assert.equal(
    driver.rules?.map((r) => r.id),
    RULES.map((r) => r.meta.id),
  );
  for (const rule of driver.rules ?? []) {
    assert.ok(
      rule.shortDescription?.text && rule.fullDescription?.text && rule.help?.text && rule.help.markdown,
    );
    assert.ok(rule.defaultConfiguration?.level);
    assert.ok(rule.helpUri);
  }
  // URIs are relative to the repository root (the folder holding .git), not the working directory.
  assert.equal(run.originalUriBaseIds?.['SRCROOT']?.uri, pathToFileURL(dir).href + '/');
  const result = run.results![0]!;
  assert.is(result.ruleId, 'service-selector-no-match');
  assert.is(driver.rules![result.ruleIndex!]!.id, result.ruleId);
  assert.is(result.level, 'error');
  const loc = result.locations![0]!;
  assert.equal(loc.physicalLocation?.artifactLocation, { uri: 'deploy/my%20app.yaml', uriBaseId: 'SRCROOT' });
  assert.equal(loc.physicalLocation?.region, { startLine: 6, startColumn: 3, endLine: 7, endColumn: 14 });
  assert.is(loc.logicalLocations?.[0]?.fullyQualifiedName, 'Service/default/web');
  assert.is(result.relatedLocations?.[0]?.physicalLocation?.region?.startLine, 20);
  assert.ok(result.partialFingerprints?.['primaryLocationLineHash']);
});

s('fingerprints do not change when lines are inserted above the object', () => {
  const before = lintTexts({ 'a.yaml': BROKEN });
  const after = lintTexts({
    'a.yaml':
      '# a new comment\n# and another\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n' +
      BROKEN,
  });
  assert.is(before.length, 1);
  assert.is(after.length, 1);
  assert.is.not(before[0]!.location.region.startLine, after[0]!.location.region.startLine);
  assert.is(before[0]!.fingerprint, after[0]!.fingerprint);
});

s('suppressed findings are in SARIF with suppressions, and out of the human report', () => {
  const dir = tempDir();
  writeFileSync(
    path.join(dir, 'a.yaml'),
    BROKEN.replace(
      '  selector:\n    app: webb',
      '  # kube-netlint-disable-next-line service-selector-no-match -- blue/green controller owns it\n  selector:\n    app: webb',
    ),
  );
  const log = sarifOf(dir);
  validateSarif(log);
  const result = log.runs[0]!.results![0]!;
  assert.equal(result.suppressions, [
    { kind: 'inSource', status: 'accepted', justification: 'blue/green controller owns it' },
  ]);
  const human = runCli([], { cwd: dir });
  assert.is(human.status, 0);
  assert.match(human.stdout, /no problems .*1 suppressed/);
});

s('files outside the root get absolute file URIs; stdin gets a plain name', () => {
  const findings = lintTexts({ 'a.yaml': BROKEN });
  const log = buildSarif(
    [
      { ...findings[0]!, location: { ...findings[0]!.location, absPath: '/elsewhere/a.yaml' } },
      { ...findings[0]!, location: { ...findings[0]!.location, file: '<stdin>', absPath: undefined } },
    ],
    { version: '1.0.0', root: '/repo', rules: RULES.map((r) => r.meta), helpBase: undefined },
  );
  validateSarif(log);
  assert.equal(log.runs[0]!.results![0]!.locations![0]!.physicalLocation!.artifactLocation, {
    uri: 'file:///elsewhere/a.yaml',
  });
  assert.equal(log.runs[0]!.results![1]!.locations![0]!.physicalLocation!.artifactLocation, {
    uri: '%3Cstdin%3E',
  });
});

s('a canonical-form fix is offered as a SARIF fix that keeps the quoting', () => {
  const dir = tempDir();
  writeFileSync(
    path.join(dir, 'p.yaml'),
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {cidr: "203.0.113.77/24"}\n',
  );
  const log = sarifOf(dir);
  validateSarif(log);
  const result = log.runs[0]!.results!.find((r) => r.ruleId === 'cidr-not-canonical')!;
  const replacement = result.fixes![0]!.artifactChanges[0]!.replacements[0]!;
  assert.equal(replacement.deletedRegion, { startLine: 8, startColumn: 23, endLine: 8, endColumn: 40 });
  assert.is(replacement.insertedContent?.text, '"203.0.113.0/24"');
});

s('parse errors are results with a file location', () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'bad.yaml'), 'kind: ConfigMap\nb: - x\n');
  const log = sarifOf(dir);
  validateSarif(log);
  assert.is(log.runs[0]!.results![0]!.ruleId, 'parse-error');
  assert.is(log.runs[0]!.results![0]!.locations![0]!.physicalLocation!.region!.startLine, 2);
});

s('a config error still writes a valid SARIF (-o) whose invocation failed; exit 2', () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'app.yaml'), BROKEN);
  writeFileSync(path.join(dir, '.kube-netlint.yaml'), 'rules: {no-such-rule: error}\n');
  const r = runCli(['-f', 'sarif', '-o', 'out.sarif'], { cwd: dir });
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /no-such-rule/);
  const log = readJson<Sarif.Log>(path.join(dir, 'out.sarif'));
  validateSarif(log);
  const run = log.runs[0]!;
  assert.equal(run.results, []);
  assert.is(run.invocations![0]!.executionSuccessful, false);
  const note = run.invocations![0]!.toolExecutionNotifications![0]!;
  assert.is(note.level, 'error');
  assert.match(note.message.text!, /no-such-rule/);
  // Other formats write nothing on a config error.
  const human = runCli(['-o', 'out.txt'], { cwd: dir });
  assert.is(human.status, 2);
  assert.not.ok(existsSync(path.join(dir, 'out.txt')));
});

s.run();
