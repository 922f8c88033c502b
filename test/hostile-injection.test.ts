// Issue #14, items 3 and 5: whatever the input holds, our stdout and stderr issue no workflow command
// of its choosing (the GitHub runner's parser is replayed on them) and carry no raw control
// character (terminal escapes, a bare CR that starts a fake line).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, runCli, tempDir } from './helpers';
import { runnerCommands } from './runner-commands';

// A name with terminal escapes (ESC, C1 CSI), a line separator, a legacy command, a bare CR and a
// `::` command after it.
const EVIL = 'a\\e[2J\\x9b2J\\L##[add-mask]secret\\r::warning::spoofed';
const EVIL_RAW = 'a\u001b[2J\u009b2J\u2028##[add-mask]secret\r::warning::spoofed';
const MANIFESTS =
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: "${EVIL}"\nspec:\n  selector: {app: nothing}\n  ports: [{port: 80}]\n---\n` +
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "${EVIL}"\nspec:\n  selector: {matchLabels: {app: a}}\n  template: {metadata: {labels: {app: a}}}\n---\n` +
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\nspec:\n  selector: {matchLabels: {app: b}}\n  template: {metadata: {labels: {app: b}}}\n`;

function project(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/; // eslint-disable-line no-control-regex

function assertNoInjection(where: string, stream: string, allowed: readonly string[] = []): void {
  const commands = runnerCommands(stream).filter((c) => !allowed.includes(c.command));
  assert.equal(commands, [], `${where}: the runner would read ${JSON.stringify(commands)}`);
  assert.not.match(stream, CONTROL, `${where}: raw control character`);
}

const t = suite('hostile input: injection into our streams');

t('a config line cannot stop workflow commands through a yaml warning', () => {
  const dir = project({
    '.kube-netlint.yaml': 'failOn: !<##[stop-commands]tok> error\n',
    'app.yaml': MANIFESTS.split('---')[2] as string,
  });
  const r = runCli([], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assertNoInjection('stderr', r.stderr);
  assertNoInjection('stdout', r.stdout);
});

t('a collection key is a parse error, not a yaml warning on stderr', () => {
  for (const key of ['? ["##[add-mask]x"]\n    : y', '{"##[add-mask]x": 1}: y']) {
    const dir = project({
      'app.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    ${key}\n`,
    });
    const r = runCli(['app.yaml'], { cwd: dir });
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stdout, /app\.yaml:6:\d+ {2}error {4}a mapping key is itself a mapping or a list/);
    assertNoInjection('stderr', r.stderr);
    assertNoInjection('stdout', r.stdout);
  }
});

t('a config key cannot issue a command through our error line', () => {
  const dir = project({ '.kube-netlint.yaml': 'rules:\n  "##[add-mask]x": off\n', 'app.yaml': '' });
  const r = runCli([], { cwd: dir });
  assert.is(r.status, 2);
  assert.match(r.stderr, /unknown rule/);
  assertNoInjection('stderr', r.stderr);
});

t('names with escapes and commands are shown escaped in every text output', () => {
  const dir = project({ 'app.yaml': MANIFESTS });
  const human = runCli(['app.yaml'], { cwd: dir });
  assert.is(human.status, 1, human.stderr);
  assert.match(
    human.stdout,
    /Service a\\x1b\[2J\\x9b2J\\u2028##\\\[add-mask\]secret\\r::warning::spoofed selects app=nothing/,
  );
  assertNoInjection('human', human.stdout);
  const colour = runCli(['app.yaml', '--color'], { cwd: dir });
  assertNoInjection('human in colour', colour.stdout.replace(/\u001b\[\d+m/g, '')); // eslint-disable-line no-control-regex
  const github = runCli(['app.yaml', '--format', 'github'], { cwd: dir });
  assertNoInjection('github', github.stdout, ['error', 'warning', 'notice']);
  for (const c of runnerCommands(github.stdout))
    assert.ok(c.line.startsWith(`::${c.command} file=app.yaml,`));
  for (const format of ['json', 'sarif']) {
    const out = runCli(['app.yaml', '--format', format], { cwd: dir }).stdout;
    assert.not.match(out, /[\u0080-\u009f\u2028\u2029]/, `${format}: raw C1 control or separator`);
    assert.ok(JSON.parse(out), format);
  }
  const reach = runCli(['reach', 'app.yaml'], { cwd: dir });
  assert.is(reach.status, 0, reach.stderr);
  assert.match(reach.stdout, /default\/a\\x1b/);
  assertNoInjection('reach text', reach.stdout);
  const explain = runCli(['reach', 'app.yaml', '--from', 'default/b', '--to', `default/${EVIL_RAW}`], {
    cwd: dir,
  });
  assert.is(explain.status, 0, explain.stderr);
  assert.match(explain.stdout, /^ALLOWED: default\/b\[Deployment\] → default\/a\\x1b/);
  assertNoInjection('reach explanation', explain.stdout);
});

t('a file name cannot start a line with a workflow command', () => {
  const [svc, , b] = MANIFESTS.split('---');
  const dir = project({ '::error::spoofed.yaml': `${svc}---${b}` });
  const r = runCli([], { cwd: dir });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stdout, /^\\::error::spoofed\.yaml:6:/m);
  assertNoInjection('human', r.stdout);
});

t('process warnings are printed sanitized', () => {
  const main = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
  const r = spawnSync(
    process.execPath,
    [
      '-e',
      `require(${JSON.stringify(main)}).installWarningPrinter(); process.emitWarning('x ##[stop-commands]tok\\r::error::y');`,
    ],
    { encoding: 'utf8' },
  );
  assert.match(r.stderr, /^kube-netlint: warning: Warning: x ##\\\[stop-commands\]tok\\r::error::y$/m);
  assertNoInjection('stderr', r.stderr);
});

t.run();
