import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { UsageError } from './discover';

/**
 * Files changed since a revision (committed, staged or not), plus untracked ones, as absolute paths.
 * git is asked with fsmonitor and external diff drivers off: nothing configured in the repository
 * under lint runs.
 */
export function changedFiles(cwd: string, rev: string): Set<string> {
  // A revision never starts with '-'; one that does would reach git as an option (--output=…).
  if (rev.startsWith('-')) throw new UsageError(`--changed-since '${rev}': a revision cannot start with '-'`);
  const git = (args: string[]): string => {
    try {
      return execFileSync('git', ['-c', 'core.fsmonitor=false', '-c', 'diff.external=', ...args], {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 256 * 1024 * 1024,
      });
    } catch (e) {
      const err = e as { stderr?: string; code?: string };
      if (err.code === 'ENOENT') throw new UsageError('--changed-since needs git, which is not installed');
      const msg = (err.stderr ?? '').split('\n')[0] ?? '';
      throw new UsageError(`--changed-since ${rev}: ${msg || 'git failed'}`);
    }
  };
  const top = git(['rev-parse', '--show-toplevel']).trim();
  const names = [
    ...git([
      'diff',
      '--name-only',
      '--no-ext-diff',
      '--diff-filter=ACMR',
      '-z',
      '--end-of-options',
      rev,
      '--',
    ]).split('\0'),
    ...git(['ls-files', '--others', '--exclude-standard', '-z']).split('\0'),
  ].filter(Boolean);
  return new Set(names.map((n) => path.resolve(top, n)));
}
