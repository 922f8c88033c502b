import * as path from 'node:path';
import type { SourceFile } from '../load/types';
import type { KObject } from './object';

/**
 * How close two objects' files are: 0 same file, 1 same folder, 2 one folder inside the other,
 * 3 anything else. Repositories often hold variants of one install side by side (provider/aws/,
 * provider/kind/, overlays/); when one name or selector matches objects in several of them, the
 * nearest definitions are the ones that belong together.
 */
export function proximity(a: KObject, b: KObject): number {
  const fa = a.doc.file.path;
  const fb = b.doc.file.path;
  if (fa === fb) return 0;
  const da = folderOf(a.doc.file);
  const db = folderOf(b.doc.file);
  if (da === db) return 1;
  if (da === '.' || db === '.' || inFolder(fb, da) || inFolder(fa, db)) return 2;
  return 3;
}

/** Folders by file: rules compare every reference with many candidates (#22). */
const folders = new WeakMap<SourceFile, string>();

function folderOf(file: SourceFile): string {
  let folder = folders.get(file);
  if (folder === undefined) folders.set(file, (folder = path.posix.dirname(file.path)));
  return folder;
}

/** `file` lies under `folder` (`folder + '/'` is a prefix of it), without building that string. */
function inFolder(file: string, folder: string): boolean {
  return file.length > folder.length && file.charCodeAt(folder.length) === 0x2f && file.startsWith(folder);
}

/**
 * Whether two objects belong to one application as far as their files tell: the same file or
 * folder, or one folder inside the other (proximity 0 to 2). A repository linted as a whole holds
 * many unrelated applications side by side; a typo is only likely among objects near each other.
 * Sibling folders do not count: `example/a` and `example/b` are usually separate examples.
 */
export function isNear(a: KObject, b: KObject): boolean {
  return proximity(a, b) <= 2;
}

/** The nearest of several definitions of one object (the first wins a tie). */
export function nearest<T extends KObject>(candidates: readonly T[], from: KObject): T | undefined {
  let best: T | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const s = proximity(c, from);
    if (s < bestScore) {
      best = c;
      bestScore = s;
    }
  }
  return best;
}

/**
 * Narrows items owned by objects to those nearest `from`: one definition per object id (the
 * nearest), then only the nearest tier (same file or folder; a folder inside the other; anywhere).
 * Nothing is dropped when nothing is near, so a reference that only resolves far away still
 * resolves.
 */
export function nearestGroup<T>(items: readonly T[], ownerOf: (item: T) => KObject, from: KObject): T[] {
  if (items.length < 2) return [...items];
  const byId = new Map<string, { item: T; score: number }>();
  for (const item of items) {
    const owner = ownerOf(item);
    const score = proximity(owner, from);
    const seen = byId.get(owner.id);
    if (!seen || score < seen.score) byId.set(owner.id, { item, score });
  }
  // Same file and same folder form one tier; a folder inside the other the next; then the rest.
  const tier = (score: number) => (score <= 1 ? 0 : score);
  const kept = [...byId.values()];
  const best = Math.min(...kept.map((k) => tier(k.score)));
  return kept.filter((k) => tier(k.score) === best).map((k) => k.item);
}
