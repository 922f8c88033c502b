import * as path from 'node:path';
import { readChartName } from './chart';
import { discover, type DiscoverOptions } from './discover';
import { readBounded } from './read';
import type { ParseCache } from './cache';
import { DEFAULT_LIMITS, decode, docsFromCache, nameRole, parseSource, type ParseLimits } from './parse';
import type { LoadDiagnostic, LoadResult } from './types';

export { UsageError } from './discover';
export type { FieldPath, LoadDiagnostic, LoadResult, ManifestDoc, Region, SourceFile } from './types';

export interface LoadOptions extends DiscoverOptions {
  limits?: ParseLimits;
  /** Reads standard input; injectable for tests. */
  readStdin?: () => Promise<Buffer>;
  /** Documents parsed by earlier runs, by content (`--cache`); the caller saves it. */
  cache?: ParseCache;
}

export function displayPath(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  return (rel === '' ? path.basename(abs) : rel).split(path.sep).join('/');
}

/** Standard input, up to `max` + 1 bytes (one more than allowed, so that the excess is reported). */
async function readAllStdin(max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > max) break;
  }
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
  cache?: ParseCache,
): void {
  const decoded = decode(buf, display, absPath, limits);
  if (decoded.diagnostic) into.diagnostics.push(decoded.diagnostic);
  if (!decoded.file) return;
  const key = cache?.key(buf, nameRole(decoded.file));
  const cached = key !== undefined ? cache?.get(key, decoded.file) : undefined;
  if (cached) {
    into.files.push(decoded.file);
    for (const d of docsFromCache(decoded.file, cached)) into.docs.push(d);
    return;
  }
  const parsed = parseSource(decoded.file, limits);
  if (key !== undefined && parsed.fast && parsed.diagnostics.length === 0)
    cache?.set(key, parsed.docs, decoded.file);
  into.files.push(decoded.file);
  for (const d of parsed.docs) into.docs.push(d);
  for (const d of parsed.diagnostics) into.diagnostics.push(d);
}

/**
 * One note per Helm chart: its templates become manifests only when rendered, and the chart's other
 * files are not linted alone against half a chart.
 */
function chartNote(cwd: string, chartFile: string): LoadResult['diagnostics'][number] {
  const chart = readChartName(chartFile);
  const name = chart?.name;
  const line = chart?.line ?? 1;
  const dir = displayPath(cwd, path.dirname(chartFile)) || '.';
  return {
    kind: 'helm-template',
    file: displayPath(cwd, chartFile),
    absPath: chartFile,
    region: { startLine: line, startColumn: 1, endLine: line, endColumn: 1 },
    message:
      `Helm chart${name ? ` '${name}'` : ''}: its templates are not manifests until rendered and were not linted. ` +
      `Lint the rendered output instead: helm template RELEASE ${dir} | kube-netlint -`,
  };
}

/** Finds, reads and parses every input. Bad input becomes diagnostics; only usage errors throw. */
export async function load(inputs: readonly string[], opts: LoadOptions): Promise<LoadResult> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const t0 = performance.now();
  const found = await discover(inputs, opts);
  const tDiscovered = performance.now();
  const result: LoadResult = {
    docs: [],
    diagnostics: found.charts.map((c) => chartNote(opts.cwd, c)),
    files: [],
  };
  for (const link of found.linksOut) {
    result.diagnostics.push({
      kind: 'parse-error',
      file: displayPath(opts.cwd, link),
      absPath: link,
      region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
      message: 'symbolic link to outside the folder being linted; not followed. Name its target to lint it',
      severity: 'note',
    });
  }
  // Each file is read and parsed before the next is read, so only one file's bytes are alive at a
  // time. Synchronous reads: for thousands of small files they are several times faster than
  // promises, and nothing else runs meanwhile.
  let bytes = 0;
  let read = 0;
  // A total budget: memory follows what is kept of every file, so many large files together can
  // exhaust it even when each is under the per-file limit.
  const budget = limits.maxTotalBytes ?? DEFAULT_LIMITS.maxTotalBytes ?? Infinity;
  let overBudget: LoadDiagnostic | undefined;
  let skippedForBudget = 0;
  for (const abs of found.files) {
    const r0 = performance.now();
    if (overBudget) {
      skippedForBudget++;
      continue;
    }
    // --cache-strategy metadata: a file unchanged since the cache stored it is not even read.
    const unchanged = opts.cache?.unchanged(abs, displayPath(opts.cwd, abs), limits.maxFileBytes);
    if (unchanged && bytes + unchanged.size <= budget) {
      bytes += unchanged.size;
      result.files.push(unchanged.file);
      for (const d of unchanged.docs) result.docs.push(d);
      continue;
    }
    let buf: Buffer;
    try {
      const outcome = readBounded(abs, limits.maxFileBytes);
      if ('skip' in outcome) {
        result.diagnostics.push({
          kind: 'parse-error',
          file: displayPath(opts.cwd, abs),
          absPath: abs,
          region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
          message: outcome.skip,
        });
        continue;
      }
      buf = outcome.buf;
      if (bytes + buf.length > budget) {
        overBudget = {
          kind: 'parse-error',
          file: displayPath(opts.cwd, abs),
          absPath: abs,
          region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
          message: '',
        };
        result.diagnostics.push(overBudget);
        continue;
      }
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
    loadBuffer(buf, displayPath(opts.cwd, abs), abs, limits, result, opts.cache);
  }
  if (overBudget)
    overBudget.message =
      `the input is over the ${(budget / 1048576).toFixed(0)} MiB limit for all files together: this file ` +
      `and ${skippedForBudget} after it were skipped. Lint fewer paths at a time`;
  if (found.stdin) {
    const buf = await (opts.readStdin ?? (() => readAllStdin(limits.maxFileBytes)))();
    bytes += buf.length;
    loadBuffer(buf, '<stdin>', undefined, limits, result);
  }
  // Discovery counts as reading; parsing is everything else.
  result.timings = { read: read + (tDiscovered - t0), parse: performance.now() - tDiscovered - read };
  result.bytes = bytes;
  return result;
}
