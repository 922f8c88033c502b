import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

export type ReadOutcome = { buf: Buffer } | { skip: string };

/**
 * Reads one file without trusting what the path is: opened non-blocking (a FIFO would otherwise
 * wait forever for a writer), only regular files read (a link to /dev/zero never ends), and never
 * more than `max` + 1 bytes (a file that grows while read cannot exhaust memory). Throws the
 * errno error when the file cannot be opened.
 */
export function readBounded(abs: string, max: number): ReadOutcome {
  const fd = openSync(abs, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { skip: `${kindOf(st)}, not a file; skipped` };
    if (st.size > max) {
      const mib = (st.size / 1048576).toFixed(1);
      return { skip: `file is ${mib} MiB, over the ${(max / 1048576).toFixed(0)} MiB limit; skipped` };
    }
    const buf = Buffer.allocUnsafe(Math.min(st.size, max) + 1);
    let got = 0;
    for (let n = 1; n > 0 && got < buf.length; got += n) n = readSync(fd, buf, got, buf.length - got, null);
    return { buf: buf.subarray(0, got) };
  } finally {
    closeSync(fd);
  }
}

/** Why a file could not be read, as the user is told. */
export function errnoMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOENT') return 'file vanished while reading';
  return e instanceof Error ? e.message : String(e);
}
