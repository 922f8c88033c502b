// Issue #14, item 9: --watch survives its watchers, reach exports escape names for what reads them,
// input keys cannot reach a prototype, `<<: 5` is not an alias bomb, the reach page has a strict CSP.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { FSWatcher } from 'node:fs';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LintArgs } from '../src/cli/args';
import { watchLoop } from '../src/cli/watch';
import { lintTexts, loadTexts, runCli, tempDir } from './helpers';

const t = suite('hostile input: watch, exports, keys');

t('--watch reports a failing watcher and keeps going', async () => {
  const dir = tempDir();
  const args = {
    paths: [dir],
    context: [],
    output: undefined,
  } as unknown as LintArgs;
  const err: string[] = [];
  const io = { cwd: dir, env: {}, stdout: () => {}, stderr: (s: string) => err.push(s), stdoutIsTTY: false };
  const watchers: EventEmitter[] = [];
  const fake = (() => {
    const w = Object.assign(new EventEmitter(), { close: () => {} });
    watchers.push(w);
    return w as unknown as FSWatcher;
  }) as unknown as typeof import('node:fs').watch;
  let runs = 0;
  const loop = watchLoop(
    args,
    io,
    async () => {
      runs++;
      return 0;
    },
    fake,
  );
  try {
    await new Promise((r) => setTimeout(r, 50));
    assert.is(runs, 1);
    watchers[0]!.emit('error', Object.assign(new Error('watch failed'), { code: 'ENOSPC' }));
    await new Promise((r) => setTimeout(r, 400));
    assert.ok(
      err.some((l) => /^kube-netlint: cannot watch .*: ENOSPC; still watching the rest\n$/.test(l)),
      err.join(''),
    );
    assert.is(runs, 2, 'linted again after the watcher failed');
  } finally {
    // Ends the loop even when an assertion failed, so the suite does not hang.
    process.emit('SIGINT');
  }
  assert.is(await loop, 0);
});

function reachProject(): string {
  const dir = tempDir();
  const names = ['=HYPERLINK("http://x")', '+cmd', '-1+1', '@SUM(1)', 'a|b*c*[x](http://e)<img src=x>'];
  writeFileSync(
    path.join(dir, 'app.yaml'),
    names
      .map(
        (n, i) =>
          `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${JSON.stringify(n)}, namespace: ${JSON.stringify(n)}}\n` +
          `spec:\n  selector: {matchLabels: {app: a${i}}}\n  template: {metadata: {labels: {app: a${i}}}}\n`,
      )
      .join('---\n'),
  );
  return dir;
}

t('reach CSV never starts a cell with a formula character', () => {
  const dir = reachProject();
  const csv = runCli(['reach', 'app.yaml', '-f', 'csv'], { cwd: dir }).stdout;
  const cells = csv
    .trim()
    .split('\n')
    .slice(1)
    .flatMap((line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? [])
    .map((c) => c.replace(/,$/, '').replace(/^"|"$/g, ''))
    .filter(Boolean);
  assert.ok(cells.length > 10);
  for (const c of cells) assert.not.match(c, /^[=+\-@]/, c);
  assert.ok(cells.some((c) => c.startsWith("'=HYPERLINK")));
});

t('reach Markdown keeps one row per line and four cell separators, no links or HTML', () => {
  const dir = reachProject();
  const md = runCli(['reach', 'app.yaml', '-f', 'md'], { cwd: dir }).stdout;
  for (const line of md.trim().split('\n')) {
    const separators = line.match(/(?<!\\)\|/g) ?? [];
    assert.is(separators.length, 4, line);
    assert.not.match(line, /(?<!\\)\[[^\]]*\]\(/, line);
    assert.not.match(line, /(?<!\\)<img/, line);
  }
});

t('reach Mermaid labels carry no markup', () => {
  const dir = reachProject();
  const mm = runCli(['reach', 'app.yaml', '-f', 'mermaid'], { cwd: dir }).stdout;
  const labels = [...mm.matchAll(/"([^"]*)"/g)].map((m) => m[1] as string);
  assert.ok(labels.length > 5);
  for (const l of labels) assert.not.match(l, /[<>|[\]()`*_]/, l);
});

t('a selector key __proto__ is a key like any other', () => {
  const findings = lintTexts({
    'app.yaml':
      'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector:\n    __proto__: x\n    app: web\n  ports: [{port: 80}]\n---\n' +
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}}\n',
  });
  const f = findings.find((x) => x.ruleId === 'service-selector-no-match');
  assert.ok(f, 'the Service selects no pod');
  assert.match(f!.message, /__proto__=x/);
});

t('input strings that name Object.prototype members never reach a lookup table as keys', () => {
  const findings = lintTexts({
    'gw.yaml':
      'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  gatewayClassName: x\n  listeners:\n  - {name: a, port: 80, protocol: constructor}\n  - {name: b, port: 81, protocol: __proto__}\n---\n' +
      'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r}\nspec:\n  parentRefs: [{name: gw}]\n---\n' +
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {constructor: x, prometheus: y}\n  ports: [{port: 80}]\n',
  });
  assert.equal(
    findings.filter((f) => f.ruleId === 'internal-error').map((f) => f.message),
    [],
  );
});

t('<<: 5 is a merge error, not an alias bomb', () => {
  const r = loadTexts({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  <<: 5\n  name: c\n' });
  assert.is(r.diagnostics.length, 1);
  assert.not.match(r.diagnostics[0]!.message, /alias bomb/);
  assert.match(r.diagnostics[0]!.message, /[Mm]erge/);
});

t('the reach page allows only its own inline style and script', () => {
  const html = runCli(['reach', 'examples', '-f', 'html']).stdout;
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(csp, 'a CSP meta element');
  const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
  assert.match(csp!, /^default-src 'none';/);
  assert.ok(csp!.includes(`style-src ${hash(style)}`));
  assert.ok(csp!.includes(`script-src ${hash(script)}`));
  assert.not.match(csp!, /unsafe|\*/);
});

t.run();
