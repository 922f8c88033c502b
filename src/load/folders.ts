import { readdirSync, type Dirent } from 'node:fs';
import * as path from 'node:path';

const SKIP = new Set(['node_modules', '.git', 'dist', 'vendor']);

/**
 * Calls `visit` with each folder under `root` (root included) and its entries, down to `maxDepth`
 * levels, skipping dependency and build folders. Symbolic links are not followed (a Dirent of a
 * link is not a directory), so the walk stays inside `root`. For locating files a finding should
 * point at (charts, kustomizations), not for discovering inputs (discover.ts does that).
 */
export function walkFolders(
  root: string,
  visit: (dir: string, entries: Dirent[]) => void,
  maxDepth = 6,
): void {
  const walk = (dir: string, depth: number): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    visit(dir, entries);
    for (const e of entries)
      if (e.isDirectory() && depth < maxDepth && !SKIP.has(e.name)) walk(path.join(dir, e.name), depth + 1);
  };
  walk(root, 0);
}
