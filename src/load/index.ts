import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { discover, type DiscoverOptions } from './discover';
import { DEFAULT_LIMITS, decode, parseSource, type ParseLimits } from './parse';
import type { LoadResult } from './types';

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
  const tDiscovered = performance.now();
  const result: LoadResult = { docs: [], diagnostics: [], files: [] };
  // Each file is read and parsed before the next is read, so only one file's bytes are alive at a
  // time. Synchronous reads: for thousands of small files they are several times faster than
  // promises, and nothing else runs meanwhile.
  let bytes = 0;
  let read = 0;
  for (const abs of found.files) {
    const r0 = performance.now();
    let buf: Buffer;
    try {
      buf = readFileSync(abs);
    } catch (e) {
      result.diagnostics.push({
        kind: 'parse-error',
        file: displayPath(opts.cwd, abs),
        absPath: abs,
        region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
        message: `cannot read file: ${errnoMessage(e)}`,
      });
      continue;
    } finally {
      read += performance.now() - r0;
    }
    bytes += buf.length;
    loadBuffer(buf, displayPath(opts.cwd, abs), abs, limits, result);
  }
  if (found.stdin) {
    const buf = await (opts.readStdin ?? readAllStdin)();
    bytes += buf.length;
    loadBuffer(buf, '<stdin>', undefined, limits, result);
  }
  // Discovery counts as reading; parsing is everything else.
  result.timings = { read: read + (tDiscovered - t0), parse: performance.now() - tDiscovered - read };
  result.bytes = bytes;
  return result;
}
