// The one way kube-netlint writes a file (`-o`, `reach -o`, the Action's SARIF). The directory we
// write into is often the repository under lint, whose content a pull request chooses: it may plant
// `report.sarif -> ~/.bashrc` or `report.sarif.tmp -> …`. So nothing here follows a link:
//   - the target must not be a symbolic link, nor any folder between `untrustedRoot` and it;
//   - a regular (or absent) target is replaced whole: a temp file with a random name is created
//     exclusively (O_CREAT|O_EXCL, which fails on any existing name, links included), written, and
//     renamed over the target (rename replaces a name, it never writes through one);
//   - a target that exists and is not a regular file (/dev/null, a FIFO, a terminal) is opened
//     without O_CREAT and written directly: renaming over it would replace the device with a file.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';

export class UnsafeWriteError extends Error {}

// O_NOFOLLOW does not exist on Windows; there the lstat checks stand alone.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

function lstatOrUndefined(p: string): import('node:fs').Stats | undefined {
  try {
    return lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Folders from `root` (exclusive) down to `dir` (inclusive), when `dir` lies inside `root`. */
function foldersBelow(root: string, dir: string): string[] {
  const rel = path.relative(root, dir);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return [];
  const out: string[] = [];
  let current = root;
  for (const part of rel.split(path.sep)) {
    current = path.join(current, part);
    out.push(current);
  }
  return out;
}

function writeAll(fd: number, data: Buffer): void {
  for (let off = 0; off < data.length;) off += writeSync(fd, data, off, data.length - off);
}

export interface SafeWriteOptions {
  /**
   * A folder whose content the input may control (the repository under lint): no folder between it
   * and the target may be a symbolic link.
   */
  untrustedRoot?: string;
}

/**
 * Writes `content` to `target` whole or not at all, without following symbolic links. Throws
 * UnsafeWriteError for a link, an errno error for the rest (the caller words it).
 */
export function safeWriteFile(
  target: string,
  content: string | Uint8Array,
  opts: SafeWriteOptions = {},
): void {
  const abs = path.resolve(target);
  const dir = path.dirname(abs);
  if (opts.untrustedRoot !== undefined) {
    for (const folder of foldersBelow(path.resolve(opts.untrustedRoot), dir)) {
      if (lstatOrUndefined(folder)?.isSymbolicLink())
        throw new UnsafeWriteError(`${folder} is a symbolic link; refusing to write through it`);
    }
  }
  const data =
    typeof content === 'string'
      ? Buffer.from(content, 'utf8')
      : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const existing = lstatOrUndefined(abs);
  if (existing?.isSymbolicLink())
    throw new UnsafeWriteError(`${abs} is a symbolic link; refusing to write through it`);
  if (existing && !existing.isFile()) {
    if (existing.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    // A device or a FIFO the user named: write into it as a shell redirection would.
    const fd = openSync(abs, constants.O_WRONLY | NOFOLLOW);
    try {
      if (fstatSync(fd).isFile()) {
        // Replaced by a regular file since the lstat: do not append to whatever it is now.
        throw new UnsafeWriteError(`${abs} changed while writing; try again`);
      }
      writeAll(fd, data);
    } finally {
      closeSync(fd);
    }
    return;
  }
  const temp = path.join(dir, `.${path.basename(abs)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o666);
  try {
    try {
      writeAll(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, abs);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

/** Whether `file` is one of the temp files safeWriteFile creates for `target` (a watcher skips them). */
export function isTempFileOf(target: string, file: string): boolean {
  const abs = path.resolve(target);
  const name = path.basename(file);
  const prefix = `.${path.basename(abs)}.`;
  return (
    path.dirname(path.resolve(file)) === path.dirname(abs) && name.startsWith(prefix) && name.endsWith('.tmp')
  );
}
