import { spawnSync } from 'node:child_process';
import { ConfigError } from '../config/load';

// git as the Action runs it: nothing configured in the repository under lint runs (no fsmonitor,
// no external diff), and no prompt waits for credentials that will never come.
function git(cwd: string, args: readonly string[]): { ok: boolean; stderr: string } {
  const r = spawnSync('git', ['-c', 'core.fsmonitor=false', '-c', 'diff.external=', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return { ok: r.status === 0, stderr: (r.stderr ?? '').trim() };
}

/**
 * Makes the pull request's base commit available for `git diff`. actions/checkout clones one commit
 * deep by default, so the base is usually missing: fetch it, one commit deep, from `origin`. The sha
 * comes from the event payload, so it is checked to be a commit id and passed after `--`.
 */
export function ensureBaseCommit(cwd: string, sha: string): void {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) {
    throw new ConfigError(`only-changed: the pull request base '${sha}' is not a commit id`);
  }
  if (git(cwd, ['cat-file', '-e', `${sha}^{commit}`]).ok) return;
  const fetched = git(cwd, ['fetch', '--no-tags', '--no-recurse-submodules', '--depth=1', '--', 'origin', sha]);
  if (fetched.ok && git(cwd, ['cat-file', '-e', `${sha}^{commit}`]).ok) return;
  throw new ConfigError(
    `only-changed: the pull request base ${sha} is not in the checkout and 'git fetch --depth=1 origin ${sha}' failed` +
      `${fetched.stderr ? ` (${fetched.stderr.split('\n').pop() ?? ''})` : ''}; set 'fetch-depth: 0' on actions/checkout`,
  );
}
