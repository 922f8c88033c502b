// The README's editor set-ups that can be checked here: the VS Code tasks.json problem matcher for
// --watch, applied to the real output of a --watch run (VS Code itself is not run).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, ROOT } from './helpers';
import { workspaceCopy } from './lsp-client';
import * as path from 'node:path';

const t = suite('editor snippets');

interface Matcher {
  severity?: string;
  pattern: Record<string, string | number> & { regexp: string };
  background: { beginsPattern: string; endsPattern: string };
}

function tasksJson(): { tasks: { command: string; problemMatcher: Matcher[] }[] } {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('<!-- tasks.json');
  const block = /```json\n([\s\S]*?)\n```/.exec(readme.slice(at));
  assert.ok(at >= 0 && block, 'the README holds the tasks.json block');
  return JSON.parse(block[1] as string) as ReturnType<typeof tasksJson>;
}

t('the tasks.json problem matcher reads the findings of a --watch run', async () => {
  const task = tasksJson().tasks[0];
  assert.ok(task);
  assert.match(task.command, 'kube-netlint --watch --no-color');
  const root = workspaceCopy();
  const expected = (
    JSON.parse(
      spawnSync(process.execPath, [BIN, '--no-config', '-f', 'json', '.'], { cwd: root, encoding: 'utf8' })
        .stdout,
    ) as {
      findings: {
        ruleId: string;
        severity: string;
        file: string;
        region: { startLine: number; startColumn: number };
      }[];
    }
  ).findings.map((f) => `${f.file}:${f.region.startLine}:${f.region.startColumn} ${f.severity} ${f.ruleId}`);
  assert.ok(expected.some((e) => e.includes(' note ')) && expected.some((e) => e.includes(' error ')));

  const child = spawn(process.execPath, [BIN, '--watch', '--no-color', '--no-config'], { cwd: root });
  // A kill-timeout for a hung watch, not an assertion on speed.
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  let stdout = '';
  let stderr = '';
  // The run is over when its end line is on stderr and its summary (✖ or ✔) on stdout: two pipes,
  // read in either order.
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (stderr.includes('linted at') && /^[✖✔]/m.test(stdout)) resolve();
    };
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      check();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      check();
    });
    child.on('exit', () => resolve());
  });
  child.kill('SIGINT');
  clearTimeout(killer);

  const matchers = task.problemMatcher;
  const errLines = stderr.split('\n');
  for (const m of matchers) {
    assert.ok(errLines.findIndex((l) => new RegExp(m.background.beginsPattern).test(l)) === 0, stderr);
    assert.ok(
      errLines.some((l) => new RegExp(m.background.endsPattern).test(l)),
      stderr,
    );
  }
  const found: string[] = [];
  for (const line of stdout.split('\n')) {
    const hits = matchers.flatMap((m) => {
      const r = new RegExp(m.pattern.regexp).exec(line);
      if (!r) return [];
      const g = (k: string): string => r[m.pattern[k] as number] ?? '';
      const severity = m.severity === 'info' ? 'note' : g('severity');
      return [`${g('file')}:${g('line')}:${g('column')} ${severity} ${g('code')}`];
    });
    assert.ok(hits.length <= 1, line);
    found.push(...hits);
  }
  assert.equal(found.sort(), [...expected].sort());
});

t.run();
