// The pre-commit hook as users run it: a repository whose .pre-commit-config.yaml points at this
// checkout (rev: HEAD), one file staged, `pre-commit run` timed once the hook is installed (warm).
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateRepository } from './generate';

function firstYaml(dir: string): string {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isFile() && /\.ya?ml$/.test(e.name)) return p;
    if (e.isDirectory() && !e.name.startsWith('.')) {
      const found = firstYaml(p);
      if (found) return found;
    }
  }
  return '';
}

/** One line for the benchmark output; says why when pre-commit is not installed. */
export function precommitTiming(root: string, base: string, documents: number, repeats: number): string {
  const label = `pre-commit hook, one staged file, ${documents / 1000}k-document repository`;
  if (spawnSync('pre-commit', ['--version']).status !== 0)
    return `${label}: skipped (pre-commit is not installed)`;
  const rev = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const g = generateRepository(path.join(base, 'precommit'), documents);
  const env = {
    ...process.env,
    PRE_COMMIT_HOME: path.join(tmpdir(), 'kube-netlint-pre-commit-cache'),
    PRE_COMMIT_COLOR: 'never',
  };
  const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: g.dir, env, encoding: 'utf8' });
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['config', 'user.email', 'bench@example.com'],
    ['config', 'user.name', 'bench'],
  ])
    run('git', args);
  writeFileSync(
    path.join(g.dir, '.pre-commit-config.yaml'),
    `repos:\n- repo: ${root}\n  rev: ${rev}\n  hooks:\n  - id: kube-netlint\n    language_version: system\n    args: [--fail-on, never]\n`,
  );
  run('git', ['add', '.']);
  run('git', ['commit', '-qm', 'base', '--no-verify']);
  const t0 = performance.now();
  const install = run('pre-commit', ['install-hooks']);
  const cold = performance.now() - t0;
  if (install.status !== 0) return `${label}: install failed: ${install.stderr || install.stdout}`;
  const file = firstYaml(g.dir);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    appendFileSync(file, `# edit ${i}\n`);
    run('git', ['add', file]);
    const t = performance.now();
    const r = run('pre-commit', ['run', 'kube-netlint']);
    times.push(performance.now() - t);
    if (r.status !== 0) return `${label}: hook failed: ${r.stdout}${r.stderr}`;
  }
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
  return `${label} (rev ${rev.slice(0, 7)}): ${(median / 1000).toFixed(2)} s warm (median of ${repeats}); pre-commit install-hooks (cached per rev in PRE_COMMIT_HOME): ${(cold / 1000).toFixed(1)} s`;
}
