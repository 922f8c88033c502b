// `reach` and `reach --diff` as users run them, on the generated repositories: the whole command
// line (wall clock, Node start-up included), the map written to a file; the diff against the
// previous commit, which edits one NetworkPolicy. Figures are printed, never asserted.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { generateRepository } from './generate';

/** A file of the repository that holds a NetworkPolicy, to edit for the second commit. */
function policyFile(dir: string): string {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !/\.ya?ml$/.test(e.name)) continue;
    const p = path.join(e.parentPath, e.name);
    if (/kind: NetworkPolicy/.test(readFileSync(p, 'utf8'))) return p;
  }
  return '';
}

function wall(cwd: string, bin: string, args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`kube-netlint ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** One line per size: reach and reach --diff HEAD~1 (median of `repeats`). */
export function reachTimings(bin: string, base: string, sizes: number[], repeats: number): string[] {
  const lines: string[] = [];
  for (const n of sizes) {
    const g = generateRepository(path.join(base, `reach-${n}`), n);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], {
        cwd: g.dir,
        stdio: 'ignore',
      });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'base', '--no-verify');
    const file = policyFile(g.dir);
    // The change: one more policy that admits a new peer, in a file that already holds policies.
    if (file)
      appendFileSync(
        file,
        '\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bench-extra}\nspec:\n  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {}}], ports: [{port: 9999}]}]\n',
      );
    git('commit', '-qam', 'change', '--no-verify');
    const out = path.join(base, 'reach.txt');
    const map = median(
      Array.from({ length: repeats }, () => wall(g.dir, bin, ['reach', '.', '--no-config', '-o', out])),
    );
    const diff = median(
      Array.from({ length: repeats }, () =>
        wall(g.dir, bin, ['reach', '.', '--no-config', '--diff', 'HEAD~1', '-o', out]),
      ),
    );
    lines.push(
      `reach, ${(n / 1000).toString()}k documents: ${(map / 1000).toFixed(2)} s; reach --diff HEAD~1: ${(diff / 1000).toFixed(2)} s (median of ${repeats}, whole process)`,
    );
  }
  return lines;
}
