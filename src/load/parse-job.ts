// One file's work on a parse worker (#22): read, decode, parse on the fast path, and what of it
// crosses back to the main thread. Only the fast path's plain values cross; a file the fast path
// leaves (YAML 1.1 values, templates, errors) goes back as bytes and is parsed on the main thread,
// where its yaml AST (for regions) and diagnostics are made exactly as without workers.
import type { CachedDoc } from './cache';
import { decode, parseFastOnly, type ParseLimits } from './parse';
import { errnoMessage, readBounded } from './read';
import { textFingerprint, type TextFingerprint } from './source-file';
import type { LoadDiagnostic } from './types';

export interface ParseJob {
  abs: string;
  display: string;
  /** Bytes the main thread already read (for `--cache`); otherwise the worker reads the file. */
  bytes?: Uint8Array;
}

export type JobResult =
  /** Not a regular file or over the per-file limit: readBounded's reason. */
  | { skip: string }
  /** Could not be opened or read. */
  | { error: string }
  /** Read, but not a text manifest (binary, invalid UTF-8). */
  | { size: number; diagnostic: LoadDiagnostic }
  /** Read by the fast path. */
  | { size: number; docs: CachedDoc[]; fingerprint: TextFingerprint }
  /** Needs the full parse: done on the main thread from these bytes. */
  | { size: number; slow: Uint8Array };

export function runJob(job: ParseJob, limits: ParseLimits): JobResult {
  let buf: Uint8Array;
  if (job.bytes) buf = job.bytes;
  else {
    try {
      const outcome = readBounded(job.abs, limits.maxFileBytes);
      if ('skip' in outcome) return { skip: outcome.skip };
      buf = outcome.buf;
    } catch (e) {
      return { error: errnoMessage(e) };
    }
  }
  const size = buf.byteLength;
  const decoded = decode(buf, job.display, job.abs, limits);
  if (!decoded.file) return { size, diagnostic: decoded.diagnostic as LoadDiagnostic };
  // Only the fast path here: a file it cannot read goes back as bytes and is parsed once, on the
  // main thread (a full parse here as well cost the corpora half again as much CPU).
  const docs = parseFastOnly(decoded.file);
  const fp = textFingerprint(decoded.file);
  if (docs && fp)
    return {
      size,
      docs: docs.map((d) => ({ docIndex: d.docIndex, basePath: d.basePath, value: d.value })),
      fingerprint: fp,
    };
  return { size, slow: buf };
}
