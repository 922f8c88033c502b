import * as path from 'node:path';
import { readChartName } from './chart';
import { discover, type DiscoverOptions } from './discover';
import { errnoMessage, readBounded } from './read';
import type { ParseCache, UnchangedFile } from './cache';
import { DEFAULT_LIMITS, decode, docsFromCache, nameRole, parseSource, type ParseLimits } from './parse';
import type { JobResult, ParseJob } from './parse-job';
import { planWorkers, readAhead, type Concurrency } from './parallel';
import { diskSourceFile, dropText as releaseText } from './source-file';
import type { LoadDiagnostic, LoadResult } from './types';

export { UsageError } from './discover';
export { parseConcurrency, type Concurrency } from './parallel';
export type { FieldPath, LoadDiagnostic, LoadResult, ManifestDoc, Region, SourceFile } from './types';

export interface LoadOptions extends DiscoverOptions {
  limits?: ParseLimits;
  /** Reads standard input; injectable for tests. */
  readStdin?: () => Promise<Buffer>;
  /** Documents parsed by earlier runs, by content (`--cache`); the caller saves it. */
  cache?: ParseCache;
  /** Parse worker threads (`--concurrency`); default `auto`: only when the input is large enough. */
  concurrency?: Concurrency;
  /** The parse workers' script; tests pass one that fails. */
  workerScript?: string;
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

/**
 * Adds one file's bytes to the result; never throws. With `dropText` (files read from disk by `load`)
 * the text of a file the fast path read is let go after parsing, to be read again when a finding
 * needs it (source-file.ts). A file the full parse read keeps it: its yaml AST, kept for regions,
 * holds slices of the text anyway.
 */
export function loadBuffer(
  buf: Uint8Array,
  display: string,
  absPath: string | undefined,
  limits: ParseLimits,
  into: LoadResult,
  cache?: ParseCache,
  dropText = false,
  cacheKey?: string,
): void {
  const decoded = decode(buf, display, absPath, limits);
  if (decoded.diagnostic) into.diagnostics.push(decoded.diagnostic);
  if (!decoded.file) return;
  const key = cache ? (cacheKey ?? cache.key(buf, nameRole(decoded.file))) : undefined;
  const cached = key !== undefined ? cache?.get(key, decoded.file) : undefined;
  if (cached) {
    into.files.push(decoded.file);
    for (const d of docsFromCache(decoded.file, cached)) into.docs.push(d);
    if (dropText) releaseText(decoded.file);
    return;
  }
  const parsed = parseSource(decoded.file, limits);
  if (key !== undefined && parsed.fast && parsed.diagnostics.length === 0)
    cache?.set(key, parsed.docs, decoded.file);
  into.files.push(decoded.file);
  for (const d of parsed.docs) into.docs.push(d);
  for (const d of parsed.diagnostics) into.diagnostics.push(d);
  // The kept values hold no slices of the text (compact.ts copies them out), so it can go.
  if (dropText && parsed.fast) releaseText(decoded.file);
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
  let bytes = 0;
  let read = 0;
  // A total budget: memory follows what is kept of every file, so many large files together can
  // exhaust it even when each is under the per-file limit.
  const budget = limits.maxTotalBytes ?? DEFAULT_LIMITS.maxTotalBytes ?? Infinity;
  let overBudget: LoadDiagnostic | undefined;
  let skippedForBudget = 0;
  const unreadable = (abs: string, message: string): void => {
    result.diagnostics.push({
      kind: 'parse-error',
      file: displayPath(opts.cwd, abs),
      absPath: abs,
      region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
      message,
    });
  };
  /** Counts a file read whole against the budget; false when it is over (and skipped). */
  const admit = (abs: string, size: number): boolean => {
    if (bytes + size > budget) {
      overBudget = {
        kind: 'parse-error',
        file: displayPath(opts.cwd, abs),
        absPath: abs,
        region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
        message: '',
      };
      result.diagnostics.push(overBudget);
      return false;
    }
    bytes += size;
    return true;
  };
  /** A file `--cache-strategy metadata` found unchanged: its documents, without reading it. */
  const unread = (abs: string, hit: UnchangedFile): void => {
    if (overBudget) {
      skippedForBudget++;
      return;
    }
    if (!admit(abs, hit.size)) return;
    result.files.push(hit.file);
    for (const d of hit.docs) result.docs.push(d);
  };
  // Without workers each file is read and parsed before the next is read, so only one file's bytes
  // are alive at a time. Synchronous reads: for thousands of small files they are several times
  // faster than promises, and nothing else runs meanwhile.
  const sequential = (abs: string): void => {
    const r0 = performance.now();
    if (overBudget) {
      skippedForBudget++;
      return;
    }
    const hit = opts.cache?.unchanged(abs, displayPath(opts.cwd, abs), limits.maxFileBytes);
    if (hit) return unread(abs, hit);
    let buf: Buffer;
    try {
      const outcome = readBounded(abs, limits.maxFileBytes);
      if ('skip' in outcome) return unreadable(abs, outcome.skip);
      buf = outcome.buf;
    } catch (e) {
      return unreadable(abs, `cannot read file: ${errnoMessage(e)}`);
    } finally {
      read += performance.now() - r0;
    }
    if (!admit(abs, buf.length)) return;
    loadBuffer(buf, displayPath(opts.cwd, abs), abs, limits, result, opts.cache, true);
  };
  /** What a worker made of a file, taken in discovery order exactly as `sequential` would. */
  const fromWorker = (job: ParseJob, r: JobResult, key: string | undefined): void => {
    if (overBudget) {
      skippedForBudget++;
      return;
    }
    if ('skip' in r) return unreadable(job.abs, r.skip);
    if ('error' in r) return unreadable(job.abs, `cannot read file: ${r.error}`);
    if (!admit(job.abs, r.size)) return;
    if ('diagnostic' in r) {
      result.diagnostics.push(r.diagnostic);
      return;
    }
    // The cache's miss was counted when the main thread looked the file up.
    if ('slow' in r) return loadBuffer(r.slow, job.display, job.abs, limits, result, undefined, true);
    const file = diskSourceFile(job.display, job.abs, undefined, r.fingerprint);
    if (key !== undefined) opts.cache?.set(key, r.docs, file);
    result.files.push(file);
    for (const d of docsFromCache(file, r.docs)) result.docs.push(d);
  };
  const parallel = planWorkers(opts, found.files.length);
  if (parallel === undefined) for (const abs of found.files) sequential(abs);
  else {
    const steps = readAhead(found.files, parallel, opts, limits, {
      sequential,
      unread,
      cacheHit: (abs, buf, key) => {
        if (overBudget) {
          skippedForBudget++;
          return;
        }
        if (admit(abs, buf.length))
          loadBuffer(buf, displayPath(opts.cwd, abs), abs, limits, result, opts.cache, true, key);
      },
      bytes: () => bytes,
      addRead: (ms) => (read += ms),
      display: (abs) => displayPath(opts.cwd, abs),
    });
    result.workers = steps.workers;
    try {
      let batch: Promise<JobResult[] | undefined> | undefined;
      let results: JobResult[] | undefined;
      for (const step of steps.list) {
        if ('now' in step) {
          step.now();
          continue;
        }
        if (step.batch !== batch) {
          batch = step.batch;
          results = await batch;
        }
        const r = results?.[step.index];
        if (r !== undefined) fromWorker(step.job, r, step.key);
        // The worker failed: this file is parsed here, as without workers.
        else if (step.job.bytes === undefined) sequential(step.job.abs);
        else if (overBudget) skippedForBudget++;
        else if (admit(step.job.abs, step.job.bytes.length))
          loadBuffer(step.job.bytes, step.job.display, step.job.abs, limits, result, undefined, true);
      }
    } finally {
      steps.close();
    }
  }
  if (overBudget)
    overBudget.message =
      `the input is over the ${(budget / 1048576).toFixed(0)} MiB limit for all files together: this file ` +
      `and ${skippedForBudget} after it were skipped. Lint fewer paths at a time, or raise the limit with --max-input-mib`;
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
