import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RULES } from '../rules/index';
import { runCli, tempDir } from './helpers';

const BROKEN =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: webb\n  ports:\n  - port: 80\n---\n' +
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n';
const CLEAN = BROKEN.replace('app: webb', 'app: web');

function project(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const ESC = String.fromCharCode(27);
const COLOR_RED = new RegExp(`${ESC}\\[31m`);
const ANY_COLOR = new RegExp(`${ESC}\\[`);

const cli = suite('cli');

cli('exit 0 and a clean summary when nothing is wrong', () => {
  const dir = project({ 'app.yaml': CLEAN });
  const r = runCli([], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /no problems \(2 objects, 1 file\)/);
  assert.is(r.stderr, '');
});

cli('exit 1 with path:line:col  severity  message  rule-id', () => {
  const dir = project({ 'app.yaml': BROKEN });
  const r = runCli(['app.yaml'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(
    r.stdout,
    /^app\.yaml:6:3 {2}error {4}Service web selects app=webb, .* {2}service-selector-no-match$/m,
  );
  assert.match(r.stdout, /1 problem \(1 error, 0 warnings, 0 notes\)/);
  assert.not.match(r.stdout, ANY_COLOR, 'no colour when not a TTY');
});

cli('--fail-on and --rule change the exit code', () => {
  const dir = project({ 'app.yaml': BROKEN });
  assert.is(runCli(['--fail-on', 'never'], { cwd: dir }).status, 0);
  assert.is(runCli(['--rule', 'service-selector-no-match=warning'], { cwd: dir }).status, 0);
  assert.is(
    runCli(['--rule', 'service-selector-no-match=warning', '--fail-on', 'warning'], { cwd: dir }).status,
    1,
  );
  const off = runCli(['--rule', 'service-selector-no-match=off'], { cwd: dir });
  assert.is(off.status, 0);
  assert.match(off.stdout, /no problems/);
});

cli('usage errors exit 2 with one line and no stack trace', () => {
  const dir = project({ 'app.yaml': CLEAN });
  const cases: [string[], RegExp][] = [
    [['--format', 'xml'], /invalid format 'xml'/],
    [['--bogus'], /unknown option '--bogus'/],
    [['missing.yaml'], /no such file or directory: 'missing.yaml'/],
    [['nothing/**/*.yaml'], /no files match the pattern/],
    [['--rule', 'no-such-rule=off'], /unknown rule 'no-such-rule'/],
    [['--rule', 'service-selector-no-match=loud'], /invalid level/],
    [['--fail-on', 'sometimes'], /invalid --fail-on/],
    [['--namespace', 'Bad_NS'], /not a valid namespace name/],
    [['explain', 'nope'], /unknown rule 'nope'/],
    [['--config', 'absent.yaml'], /config file not found/],
  ];
  for (const [args, message] of cases) {
    const r = runCli(args, { cwd: dir });
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
    assert.is(r.stdout, '');
  }
});

cli('a bad config is one error naming the key (exit 2)', () => {
  const cases: [string, RegExp][] = [
    [
      'rules:\n  service-selector-no-match: loud\n',
      /rules\.service-selector-no-match: must be one of off, note, warning, error/,
    ],
    ['rules:\n  not-a-rule: off\n', /rules\.not-a-rule: unknown rule/],
    ['failOn: always\n', /failOn: must be one of/],
    ['colour: true\n', /colour: unknown key/],
    ['cluster:\n  podCidrs: []\n', /cluster\.podCidrs: unknown key/],
    ['rules: [\n', /not valid YAML/],
  ];
  for (const [config, message] of cases) {
    const dir = project({ 'app.yaml': CLEAN, '.kube-netlint.yaml': config });
    const r = runCli([], { cwd: dir });
    assert.is(r.status, 2, config);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /\.kube-netlint\.yaml/);
  }
});

cli('config: found in a parent directory; severities, failOn, namespace and ignore apply', () => {
  const dir = project({
    '.kube-netlint.yaml':
      'rules:\n  service-selector-no-match: warning\nfailOn: warning\nignore: ["skipped/**"]\n',
    'app.yaml': BROKEN,
  });
  const sub = path.join(dir, 'skipped');
  mkdirSync(sub);
  writeFileSync(
    path.join(sub, 'x.yaml'),
    'apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {selector: {a: b}}\n',
  );
  const r = runCli(['.'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stdout, /warning {2}Service web selects/);
  assert.not.match(r.stdout, /skipped/);
  assert.is(runCli(['--no-config'], { cwd: dir }).status, 1);
  assert.match(runCli(['--no-config'], { cwd: dir }).stdout, /skipped\/x\.yaml/);
});

cli('--format json: the documented shape', () => {
  const dir = project({ 'app.yaml': BROKEN });
  const r = runCli(['-f', 'json'], { cwd: dir });
  assert.is(r.status, 1);
  const j = JSON.parse(r.stdout) as {
    formatVersion: number;
    summary: Record<string, number>;
    findings: {
      ruleId: string;
      file: string;
      region: { startLine: number };
      object: { id: string };
      path: string;
      related: { file: string; region: { startLine: number } }[];
    }[];
  };
  assert.is(j.formatVersion, 1);
  assert.equal(j.summary, { errors: 1, warnings: 0, notes: 0, suppressed: 0, files: 1, objects: 2 });
  const f = j.findings[0]!;
  assert.is(f.ruleId, 'service-selector-no-match');
  assert.is(f.file, 'app.yaml');
  assert.is(f.region.startLine, 6);
  assert.is(f.object.id, 'Service/default/web');
  assert.is(f.path, 'spec.selector');
  assert.equal(
    f.related.map((x) => `${x.file}:${x.region.startLine}`),
    ['app.yaml:20'],
  );
});

cli('--format github: workflow commands', () => {
  const dir = project({ 'app.yaml': BROKEN });
  const r = runCli(['--format', 'github'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(
    r.stdout,
    /^::error file=app\.yaml,line=6,endLine=7,title=kube-netlint service-selector-no-match::Service web selects app=webb/m,
  );
});

cli('-o writes the report to a file and nothing to stdout', () => {
  const dir = project({ 'app.yaml': BROKEN });
  const r = runCli(['-f', 'sarif', '-o', 'out.sarif'], { cwd: dir });
  assert.is(r.status, 1);
  assert.is(r.stdout, '');
  const sarif = JSON.parse(readFileSync(path.join(dir, 'out.sarif'), 'utf8')) as { version: string };
  assert.is(sarif.version, '2.1.0');
});

cli('stdin with -', () => {
  const dir = project({});
  const r = runCli(['-', '-f', 'json'], { cwd: dir, input: BROKEN });
  assert.is(r.status, 1);
  assert.match(r.stdout, /"file": "<stdin>"/);
});

cli('bad input in one file does not stop the others', () => {
  const dir = project({
    'a-broken.yaml': 'apiVersion: v1\nkind: ConfigMap\ndata: [unclosed\n',
    'b.yaml': BROKEN,
    'c.yaml': '\u0000\u0001binary',
  });
  const r = runCli(['-f', 'json'], { cwd: dir });
  assert.is(r.status, 1);
  const ids = (JSON.parse(r.stdout) as { findings: { ruleId: string; file: string }[] }).findings.map(
    (f) => `${f.file} ${f.ruleId}`,
  );
  assert.equal(ids, ['a-broken.yaml parse-error', 'b.yaml service-selector-no-match', 'c.yaml parse-error']);
});

cli('NO_COLOR and --color', () => {
  const dir = project({ 'app.yaml': BROKEN });
  assert.match(runCli(['--color'], { cwd: dir }).stdout, COLOR_RED);
  assert.match(runCli([], { cwd: dir, env: { NO_COLOR: '', FORCE_COLOR: '1' } }).stdout, COLOR_RED);
  assert.not.match(runCli([], { cwd: dir, env: { NO_COLOR: '1', FORCE_COLOR: '1' } }).stdout, ANY_COLOR);
  assert.not.match(
    runCli(['--no-color'], { cwd: dir, env: { NO_COLOR: '', FORCE_COLOR: '1' } }).stdout,
    ANY_COLOR,
  );
});

cli('rules and explain come from rule metadata', () => {
  const r = runCli(['rules']);
  assert.is(r.status, 0);
  for (const rule of RULES) assert.match(r.stdout, new RegExp(`^${rule.meta.id} `, 'm'));
  const e = runCli(['explain', 'service-selector-no-match']);
  assert.is(e.status, 0);
  assert.match(e.stdout, /What it flags/);
  assert.match(e.stdout, /connection refused/);
  assert.is(
    runCli(['--version']).stdout.trim(),
    (
      JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version,
  );
  assert.match(runCli(['--help']).stdout, /Usage: kube-netlint/);
});

cli('an empty directory says so on stderr and exits 0', () => {
  const r = runCli([], { cwd: project({}) });
  assert.is(r.status, 0);
  assert.match(r.stderr, /no \.yaml, \.yml or \.json files/);
});

cli.run();
