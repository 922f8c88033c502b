// The input as it was at a git revision, for `reach --diff REV`: the YAML and JSON files of that
// commit's tree, written into a temporary folder (the working tree, index and HEAD stay untouched).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../load/discover';

/** Files the loader reads (manifests, charts, kustomizations, the config); others are not needed. */
const READ = /\.(ya?ml|json)$/i;
/** A file larger than this is skipped, as the loader would refuse it anyway. */
const MAX_FILE = 64 * 1024 * 1024;

function git(cwd: string, rev: string, args: string[], input?: Buffer): Buffer {
  try {
    // As for --changed-since: nothing configured in the repository under lint runs.
    return execFileSync('git', ['-c', 'core.fsmonitor=false', '-c', 'diff.external=', ...args], {
      cwd,
      ...(input ? { input } : {}),
      stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      maxBuffer: 1024 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as { stderr?: Buffer; code?: string };
    if (err.code === 'ENOENT')
      throw new UsageError('--diff with a revision needs git, which is not installed');
    const msg = (err.stderr?.toString('utf8') ?? '').split('\n')[0] ?? '';
    throw new UsageError(`--diff ${rev}: ${msg || 'git failed'}`);
  }
}

export interface BaseTree {
  /** Where the repository's top folder is, in the temporary copy. */
  root: string;
  /** The repository's top folder in the working tree. */
  top: string;
  /** A path of the working tree, at the same place in the copy. */
  map(p: string): string;
  dispose(): void;
}

/** Writes the revision's YAML and JSON files under a temporary folder. */
export function baseTree(cwd: string, rev: string): BaseTree {
  // A revision never starts with '-'; one that does would reach git as an option.
  if (rev.startsWith('-')) throw new UsageError(`--diff '${rev}': a revision cannot start with '-'`);
  const top = git(cwd, rev, ['rev-parse', '--show-toplevel']).toString('utf8').trim();
  const commit = git(cwd, rev, ['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`])
    .toString('utf8')
    .trim();
  const listing = git(cwd, rev, ['ls-tree', '-r', '-l', '-z', '--full-tree', commit]).toString('utf8');
  const blobs: { sha: string; file: string }[] = [];
  for (const entry of listing.split('\0')) {
    // `<mode> blob <sha> <size>\t<path>`: regular files only (no symlinks, no submodules).
    const m = /^(100644|100755) blob ([0-9a-f]+) +(\d+)\t(.+)$/s.exec(entry);
    if (!m || !READ.test(m[4] as string) || Number(m[3]) > MAX_FILE) continue;
    blobs.push({ sha: m[2] as string, file: m[4] as string });
  }
  const root = mkdtempSync(path.join(tmpdir(), 'kube-netlint-base-'));
  try {
    if (blobs.length) {
      const out = git(
        top,
        rev,
        ['cat-file', '--batch'],
        Buffer.from(blobs.map((b) => b.sha).join('\n') + '\n'),
      );
      let at = 0;
      for (const b of blobs) {
        const nl = out.indexOf(10, at);
        const size = Number(/ (\d+)$/.exec(out.subarray(at, nl).toString('utf8'))?.[1] ?? 0);
        const body = out.subarray(nl + 1, nl + 1 + size);
        at = nl + 1 + size + 1;
        // Paths come from git, which never stores '..' or absolute ones; checked all the same.
        const target = path.join(root, b.file);
        if (!target.startsWith(root + path.sep)) continue;
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, body);
      }
    }
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
  return {
    root,
    top,
    map: (p: string) => path.join(root, path.relative(top, path.resolve(cwd, p))),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
