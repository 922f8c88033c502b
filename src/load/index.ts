import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { discover, type DiscoverOptions } from './discover';
import { DEFAULT_LIMITS, decode, parseSource, type ParseLimits } from './parse';
import type { LoadDiagnostic, LoadResult } from './types';

export { UsageError } from './discover';
export type { FieldPath, LoadDiagnostic, LoadResult, ManifestDoc, Region, SourceFile } from './types';

export interface LoadOptions extends DiscoverOptions {
  limits?: ParseLimits;
  /** Reads standard input; injectable for tests. */
  readStdin?: () => Promise<Buffer>;
}

export function displayPath(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  return (rel === '' ? path.basename(abs) : rel).split(path.sep).join('/');
}

async function readAllStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function errnoMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOENT') return 'file vanished while reading';
  return e instanceof Error ? e.message : String(e);
}

/** Adds one file's bytes to the result; never throws. */
export function loadBuffer(
  buf: Uint8Array,
  display: string,
  absPath: string | undefined,
  limits: ParseLimits,
  into: LoadResult,
): void {
  const decoded = decode(buf, display, absPath, limits);
  if (decoded.diagnostic) into.diagnostics.push(decoded.diagnostic);
  if (!decoded.file) return;
  const parsed = parseSource(decoded.file, limits);
  into.files.push(decoded.file);
  for (const d of parsed.docs) into.docs.push(d);
  for (const d of parsed.diagnostics) into.diagnostics.push(d);
}

/** Finds, reads and parses every input. Bad input becomes diagnostics; only usage errors throw. */
export async function load(inputs: readonly string[], opts: LoadOptions): Promise<LoadResult> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const t0 = performance.now();
  const found = await discover(inputs, opts);
  const result: LoadResult = { docs: [], diagnostics: [], files: [] };
  // Synchronous reads: for thousands of small files they are several times faster than promises,
  // and nothing else runs meanwhile.
  const buffers: (Buffer | LoadDiagnostic | undefined)[] = found.files.map((abs) => {
    try {
      return readFileSync(abs);
    } catch (e) {
      return {
        kind: 'parse-error',
        file: displayPath(opts.cwd, abs),
        absPath: abs,
        region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
        message: `cannot read file: ${errnoMessage(e)}`,
      };
    }
  });
  const t1 = performance.now();
  let bytes = 0;
  found.files.forEach((abs, i) => {
    const b = buffers[i];
    if (b === undefined) return;
    if (!Buffer.isBuffer(b)) {
      result.diagnostics.push(b);
      return;
    }
    bytes += b.length;
    loadBuffer(b, displayPath(opts.cwd, abs), abs, limits, result);
    buffers[i] = undefined; // let the bytes go once parsed
  });
  if (found.stdin) {
    const buf = await (opts.readStdin ?? readAllStdin)();
    bytes += buf.length;
    loadBuffer(buf, '<stdin>', undefined, limits, result);
  }
  result.timings = { read: t1 - t0, parse: performance.now() - t1 };
  result.bytes = bytes;
  return result;
}
