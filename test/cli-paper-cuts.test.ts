// Paper cuts of the command line found while using it as a new user would.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BIN, ROOT, runCli, tempDir } from './helpers';

const BROKEN =
  'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: webb}\n  ports: [{port: 80}]\n---\n' +
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}}\n';

const pc = suite('cli paper cuts');

pc('a closed standard output (| head) ends quietly, with the exit code of the command', () => {
  for (const [args, code] of [
    ['examples -f sarif', '1'],
    ['rules', '0'],
  ] as const) {
    const r = spawnSync(
      'bash',
      ['-c', `"${process.execPath}" "${BIN}" ${args} | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    assert.is(r.stderr, '', `${args}: ${r.stderr}`);
    assert.is(r.stdout.trim(), code, args);
  }
});

pc('unknown options, values and rule ids: one line with the closest name; warn means warning', () => {
  const cases: [string[], RegExp][] = [
    [['--formt', 'json'], /^kube-netlint: unknown option '--formt'; did you mean '--format'\?\n$/],
    [['--zzzzzz'], /^kube-netlint: unknown option '--zzzzzz' \(see 'kube-netlint --help'\)\n$/],
    [['-f', 'jsn'], /^kube-netlint: invalid format 'jsn': expected one of .*; did you mean 'json'\?\n$/],
    [['--format'], /^kube-netlint: option --format needs a value\n$/],
    [
      ['--rule', 'service-selector-no-mach=error'],
      /^kube-netlint: unknown rule 'service-selector-no-mach' in --rule; did you mean 'service-selector-no-match'\?\n$/,
    ],
    [['explain', 'ingress-class-mising'], /did you mean 'ingress-class-missing'\?\n$/],
  ];
  const dir = tempDir();
  for (const [args, re] of cases) {
    const r = runCli(args, { cwd: dir });
    assert.is(r.status, 2, args.join(' '));
    assert.match(r.stderr, re);
  }
  writeFileSync(path.join(dir, 'app.yaml'), BROKEN);
  // warn is accepted for warning: on the command line and in the config.
  const warn = runCli(['--rule', 'service-selector-no-match=warn', '--fail-on', 'warn', '-f', 'json'], {
    cwd: dir,
  });
  assert.is(warn.status, 1, warn.stderr);
  assert.match(warn.stdout, /"severity": "warning"/);
  writeFileSync(
    path.join(dir, '.kube-netlint.yaml'),
    'failOn: warn\nrules: {service-selector-no-match: warn}\n',
  );
  assert.is(runCli(['-f', 'json'], { cwd: dir }).status, 1);
  writeFileSync(path.join(dir, '.kube-netlint.yaml'), 'failon: error\n');
  const key = runCli([], { cwd: dir });
  assert.is(key.status, 2);
  assert.match(key.stderr, /failon: unknown key; did you mean 'failOn'\?\n$/);
  writeFileSync(path.join(dir, '.kube-netlint.yaml'), 'rules: {service-selector-no-mach: off}\n');
  assert.match(runCli([], { cwd: dir }).stderr, /did you mean 'service-selector-no-match'\?/);
});

pc('suppression comments that do nothing are reported, but not for rules that did not run', () => {
  const dir = tempDir();
  writeFileSync(
    path.join(dir, 'svc.yaml'),
    'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  # kube-netlint-disable-next-line service-port-invalid\n  ports: [{port: 80}]\n',
  );
  const ids = (args: string[]) =>
    (
      JSON.parse(runCli(['-f', 'json', ...args], { cwd: dir }).stdout) as {
        findings: { ruleId: string; line: number }[];
      }
    ).findings.filter((f) => f.ruleId === 'unused-disable-directive');
  assert.is(ids([]).length, 1);
  assert.is(ids(['--rule', 'service-port-invalid=off']).length, 0);
  assert.is(ids(['--rule', 'unused-disable-directive=off']).length, 0);
});

pc('-f github names files from the repository root and omits columns for a range over lines', () => {
  const dir = tempDir();
  execFileSync('git', ['init', '-q'], { cwd: dir });
  mkdirSync(path.join(dir, 'deploy'));
  writeFileSync(
    path.join(dir, 'deploy', 'app.yaml'),
    'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector:\n    app: webb\n    tier: x\n  ports: [{port: 80}]\n---\n' +
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}}\n',
  );
  writeFileSync(path.join(dir, 'deploy', 'one-line.yaml'), BROKEN.replace(/web/g, 'api'));
  const r = runCli(['-f', 'github', '.'], { cwd: path.join(dir, 'deploy') });
  assert.is(r.status, 1, r.stderr);
  assert.match(
    r.stdout,
    /^::error file=deploy\/app\.yaml,line=5,endLine=7,title=kube-netlint service-selector-no-match::/m,
  );
  assert.match(
    r.stdout,
    /^::error file=deploy\/one-line\.yaml,line=5,col=13,endLine=5,endColumn=\d+,title=/m,
  );
});

pc('no Kubernetes objects: a warning on stderr, and with --fail-on-empty an error (exit 1)', () => {
  const dir = tempDir();
  const input = 'error: accumulating resources: no such file\n'.replace(/^/, '# ');
  const warn = runCli(['-'], { cwd: dir, input });
  assert.is(warn.status, 0);
  assert.match(
    warn.stderr,
    /^kube-netlint: warning: the input holds no Kubernetes objects.*--fail-on-empty/m,
  );
  const err = runCli(['-', '--fail-on-empty'], { cwd: dir, input });
  assert.is(err.status, 1);
  assert.match(err.stderr, /^kube-netlint: error: the input holds no Kubernetes objects/m);
  writeFileSync(path.join(dir, 'app.yaml'), BROKEN);
  const some = runCli(['app.yaml', '--fail-on-empty', '--fail-on', 'never'], { cwd: dir });
  assert.is(some.status, 0);
  assert.is(some.stderr, '');
});

pc('helm: # Source: maps to the chart folder found by its Chart.yaml name, or the one given', () => {
  const dir = tempDir();
  const chart = path.join(dir, 'deploy', 'charts', 'shop');
  mkdirSync(path.join(chart, 'templates'), { recursive: true });
  writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: shop\nversion: 0.1.0\n');
  writeFileSync(path.join(chart, 'templates', 'service.yaml'), '# the template\n');
  const input = readFileSync(path.join(ROOT, 'test', 'data', 'helm-rendered.yaml'));
  const files = (args: string[], cwd = dir) =>
    (
      JSON.parse(runCli(['-', '-f', 'json', ...args], { cwd, input }).stdout) as {
        findings: { ruleId: string; file: string }[];
      }
    ).findings
      .filter((f) => f.ruleId === 'service-target-port-missing')
      .map((f) => f.file);
  assert.equal(files([]), ['deploy/charts/shop/templates/service.yaml']);
  assert.equal(files(['--helm-chart', 'deploy/charts/shop']), ['deploy/charts/shop/templates/service.yaml']);
  // A chart of another name is not taken for this one.
  writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: other\n');
  assert.equal(files([]), ['shop/templates/service.yaml']);
  // A # Source: path never points outside the working directory.
  const outside = input.toString().replace(/shop\/templates\/service\.yaml/, '../../etc/passwd');
  const r = runCli(['-', '-f', 'sarif'], { cwd: dir, input: outside });
  assert.not.match(r.stdout, /file:\/\/\/etc\/passwd/);
});

pc('helm: one helm-template note per chart folder', () => {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'charts', 'shop', 'templates'), { recursive: true });
  for (const n of ['a', 'b', 'c'])
    writeFileSync(
      path.join(dir, 'charts', 'shop', 'templates', `${n}.yaml`),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n',
    );
  writeFileSync(path.join(dir, 'loose.yaml'), 'kind: {{ .Values.kind }}\n');
  const r = runCli(['.', '-f', 'json'], { cwd: dir });
  const notes = (
    JSON.parse(r.stdout) as { findings: { ruleId: string; file: string; message: string }[] }
  ).findings.filter((f) => f.ruleId === 'helm-template');
  assert.equal(
    notes.map((f) => f.file),
    ['charts/shop/templates/a.yaml', 'loose.yaml'],
  );
  assert.match(
    notes[0]!.message,
    /in 3 files of the chart in charts\/shop\/.*helm template RELEASE charts\/shop \|/,
  );
});

pc('kustomize: origin annotations point findings at the source file of the object', () => {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'base'));
  mkdirSync(path.join(dir, 'overlays', 'prod'), { recursive: true });
  writeFileSync(path.join(dir, 'base', 'kustomization.yaml'), 'resources: [api.yaml]\n');
  writeFileSync(
    path.join(dir, 'overlays', 'prod', 'kustomization.yaml'),
    'resources: [../../base]\nnamePrefix: prod-\n',
  );
  writeFileSync(
    path.join(dir, 'base', 'api.yaml'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  selector: {matchLabels: {app: api}}\n  template: {metadata: {labels: {app: api}}}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector: {app: apii}\n  ports: [{port: 80}]\n',
  );
  const origin = '  annotations:\n    config.kubernetes.io/origin: |\n      path: ../../base/api.yaml\n';
  const built =
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: prod-api\n${origin}spec:\n  selector: {app: apii}\n  ports: [{port: 80}]\n---\n` +
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: prod-api\n${origin}spec:\n  selector: {matchLabels: {app: api}}\n  template: {metadata: {labels: {app: api}}}\n`;
  for (const args of [[], ['--kustomize-dir', 'overlays/prod']]) {
    const r = runCli(['-', ...args], { cwd: dir, input: built });
    assert.is(r.status, 1, r.stderr);
    // The Service's kind: line in base/api.yaml; the built line stays as the rendered location.
    assert.match(r.stdout, /^<stdin>:9:13 \(base\/api\.yaml\) +error +Service prod-api selects app=apii/m);
    const gh = runCli(['-', '-f', 'github', ...args], { cwd: dir, input: built });
    assert.match(gh.stdout, /^::error file=base\/api\.yaml,line=9,col=1,endLine=9,endColumn=14,/m);
  }
  // A remote base (repo:) or a path outside the working folder is left as it is.
  const remote = built.replace(
    /path: \.\.\/\.\.\/base\/api\.yaml/g,
    'path: api.yaml\n      repo: https://example.com/x',
  );
  assert.match(runCli(['-'], { cwd: dir, input: remote }).stdout, /^<stdin>:10:13 +error/m);
});

pc.run();
