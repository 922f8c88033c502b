import * as path from 'node:path';
import type { Location } from '../engine/types';

/**
 * A location's file relative to the repository root, with forward slashes, as SARIF and GitHub
 * annotations name files; undefined for files outside the root. Input without a file on disk
 * (standard input, a chart template not found) keeps the name it was given.
 */
export function repoPath(loc: Pick<Location, 'file' | 'absPath'>, root: string): string | undefined {
  if (!loc.absPath) return loc.file || undefined;
  const rel = path.relative(root, loc.absPath);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}
