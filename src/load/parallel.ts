// When and how the loader hands files to parse workers (#22). Workers pay for themselves only on
// large inputs: starting one costs tens of milliseconds (its modules), and every result crosses back
// serialized. `auto` parses the first files on the main thread and starts workers only when the rest
// is large enough, in files and in bytes (measured thresholds below). With `--cache`, the main thread
// reads every file and serves the cache's hits itself: an unchanged repository starts no worker.
import { availableParallelism } from 'node:os';
import type { ParseCache, UnchangedFile } from './cache';
import { nameRole, type ParseLimits } from './parse';
import type { JobResult, ParseJob } from './parse-job';
import { defaultWorkerScript, ParsePool } from './pool';
import { readBounded } from './read';

/** `--concurrency`: worker threads for parsing; a count, `auto` (only for large inputs) or `off`. */
export type Concurrency = number | 'auto' | 'off';

/**
 * Below these, `auto` parses on the main thread: the workers' start-up (Node compiles its own modules
 * in each worker, about 100 ms of CPU) and the structured clone of the results cost more than they
 * save. Measured with per-thread CPU time (/proc/self/task, independent of the machine's load) on
 * generated trees, main thread alone vs two workers: 447 files / 0.7 MB 130 ms vs 90 ms main +
 * 110-170 ms per worker (a loss); 1,100 files / 1.9 MB 260 ms vs 135 + 185-205 ms (even); 2,216
 * files / 3.8 MB 450 ms vs 205 + 285-300 ms; 11,076 files / 19 MB 1,845 ms vs 650 + 835-975 ms.
 * CPU time is not wall time on two cores, though: the whole command on the idle machine (2026-11-30,
 * medians of 3) took 1.48 s with workers and 1.47 s without at 3.6 MB (10k documents, +32 MB RSS with
 * them), 2.66 s and 2.75 s at 9 MB (25k), 3.6-3.9 s and 4.0-4.8 s at 18 MB (50k), 8.1 s and 9.1 s on
 * corpus2 copied to 22 MB, 9.0-9.3 s and 10.0-11.1 s on corpus copied to 33 MB. So the workers start
 * from about 12 MiB, where they pay for their memory (about 30 MB more peak RSS).
 */
export const AUTO_MIN_FILES = 1000;
export const AUTO_MIN_BYTES = 12 * 1024 * 1024;
/** Files parsed on the main thread before `auto` decides (their sizes estimate the rest). */
const PROBE_FILES = 200;
/** Files per batch sent to a worker: enough to amortize a message, small enough to keep both busy. */
const BATCH_FILES = 32;

export interface WorkerPlan {
  size: number;
  /** A count was asked for: workers whatever the size of the input. */
  forced: boolean;
  script: string;
}

export interface ConcurrencyOptions {
  concurrency?: Concurrency;
  /** The workers' script (tests use one that fails). */
  workerScript?: string;
  cache?: ParseCache;
}

/** Parses `--concurrency`'s value; undefined when it is not one. */
export function parseConcurrency(value: string): Concurrency | undefined {
  if (value === 'auto' || value === 'off') return value;
  if (!/^[1-9][0-9]{0,3}$/.test(value)) return undefined;
  return Number(value);
}

export function planWorkers(opts: ConcurrencyOptions, files: number): WorkerPlan | undefined {
  const c = opts.concurrency ?? 'auto';
  if (c === 'off' || files === 0) return undefined;
  const script = opts.workerScript ?? defaultWorkerScript();
  if (script === undefined) return undefined;
  if (typeof c === 'number') return { size: c, forced: true, script };
  const size = availableParallelism();
  if (size < 2 || files < AUTO_MIN_FILES) return undefined;
  return { size, forced: false, script };
}

/** One file in discovery order: applied as is, or the result of a worker's batch. */
export type Step =
  | { now: () => void }
  | { job: ParseJob; batch: Promise<JobResult[] | undefined>; index: number; key?: string };

export interface Hooks {
  /** Reads and parses one file on the main thread, in order. */
  sequential: (abs: string) => void;
  /** A file `--cache-strategy metadata` found unchanged, taken without reading it. */
  unread: (abs: string, hit: UnchangedFile) => void;
  /** A file whose bytes the cache holds parsed. */
  cacheHit: (abs: string, buf: Uint8Array, key: string) => void;
  /** Bytes admitted so far. */
  bytes: () => number;
  addRead: (ms: number) => void;
  display: (abs: string) => string;
}

export interface Plan {
  list: Step[];
  /** Workers that ran (0: all on the main thread). */
  workers: number;
  close: () => void;
}

function batches(jobs: { job: ParseJob; key?: string }[], pool: ParsePool): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < jobs.length; i += BATCH_FILES) {
    const chunk = jobs.slice(i, i + BATCH_FILES);
    // A failed batch resolves to undefined: its files are then parsed on the main thread.
    const batch = pool.run(chunk.map((c) => c.job)).catch(() => undefined);
    chunk.forEach((c, index) =>
      steps.push({ job: c.job, batch, index, ...(c.key !== undefined ? { key: c.key } : {}) }),
    );
  }
  return steps;
}

/** Never more workers than batches: `--concurrency 64` on ten files starts one. */
function startPool(plan: WorkerPlan, limits: ParseLimits, files: number): ParsePool | undefined {
  const pool = new ParsePool(Math.min(plan.size, Math.ceil(files / BATCH_FILES)), plan.script, limits);
  if (pool.size > 0) return pool;
  pool.close();
  return undefined;
}

/**
 * Decides which files go to workers and starts them. Files parsed on the main thread before the
 * decision are done when this returns; the steps hold the rest, to be taken in order.
 */
export function readAhead(
  files: readonly string[],
  plan: WorkerPlan,
  opts: ConcurrencyOptions,
  limits: ParseLimits,
  hooks: Hooks,
): Plan {
  const none: Plan = { list: [], workers: 0, close: () => {} };
  const cache = opts.cache;
  if (cache) return withCache(files, plan, cache, limits, hooks);
  const rest = plan.forced ? files.length : files.length - PROBE_FILES;
  if (rest < AUTO_MIN_FILES && !plan.forced) {
    for (const abs of files) hooks.sequential(abs);
    return none;
  }
  // Started first, so that the workers load their modules while the main thread probes.
  const pool = startPool(plan, limits, rest);
  let first = 0;
  if (!plan.forced) {
    first = Math.min(PROBE_FILES, files.length);
    for (let i = 0; i < first; i++) hooks.sequential(files[i] as string);
    const estimate = (hooks.bytes() / Math.max(first, 1)) * rest;
    if (pool && estimate < AUTO_MIN_BYTES) {
      pool.close();
      for (let i = first; i < files.length; i++) hooks.sequential(files[i] as string);
      return none;
    }
  }
  if (!pool) {
    for (let i = first; i < files.length; i++) hooks.sequential(files[i] as string);
    return none;
  }
  const jobs = files.slice(first).map((abs) => ({ job: { abs, display: hooks.display(abs) } }));
  return { list: batches(jobs, pool), workers: pool.size, close: () => pool.close() };
}

/**
 * With `--cache` the main thread reads every file (the key is the hash of its bytes) and takes the
 * hits itself; only the misses go to workers, with their bytes, when there are enough of them.
 */
function withCache(
  files: readonly string[],
  plan: WorkerPlan,
  cache: ParseCache,
  limits: ParseLimits,
  hooks: Hooks,
): Plan {
  const steps: (Step | { miss: { job: ParseJob; key: string } })[] = [];
  const budget = limits.maxTotalBytes ?? Infinity;
  let readBytes = hooks.bytes();
  let missBytes = 0;
  let misses = 0;
  for (const abs of files) {
    // Past the budget nothing more is read; `sequential` then counts the file as skipped.
    if (readBytes > budget) {
      steps.push({ now: () => hooks.sequential(abs) });
      continue;
    }
    const hit = cache.unchanged(abs, hooks.display(abs), limits.maxFileBytes);
    if (hit) {
      readBytes += hit.size;
      steps.push({ now: () => hooks.unread(abs, hit) });
      continue;
    }
    const r0 = performance.now();
    let buf: Buffer | undefined;
    try {
      const got = readBounded(abs, limits.maxFileBytes);
      if (!('skip' in got)) buf = got.buf;
    } catch {
      buf = undefined;
    }
    hooks.addRead(performance.now() - r0);
    // Unreadable or not a file: read again in order, so the diagnostic is the sequential one.
    if (buf === undefined) {
      steps.push({ now: () => hooks.sequential(abs) });
      continue;
    }
    readBytes += buf.length;
    const display = hooks.display(abs);
    const key = cache.key(buf, nameRole({ path: display, absPath: abs }));
    const bytes = buf;
    if (cache.has(key)) steps.push({ now: () => hooks.cacheHit(abs, bytes, key) });
    else {
      misses++;
      missBytes += buf.length;
      steps.push({ miss: { job: { abs, display, bytes }, key } });
    }
  }
  const pool =
    plan.forced || (misses >= AUTO_MIN_FILES && missBytes >= AUTO_MIN_BYTES)
      ? startPool(plan, limits, misses)
      : undefined;
  if (!pool) {
    const list = steps.map((s): Step =>
      'miss' in s
        ? { now: () => hooks.cacheHit(s.miss.job.abs, s.miss.job.bytes as Uint8Array, s.miss.key) }
        : s,
    );
    return { list, workers: 0, close: () => {} };
  }
  const jobs = steps.flatMap((s) => ('miss' in s ? [s.miss] : []));
  const sent = batches(jobs, pool);
  let next = 0;
  const list = steps.map((s): Step => ('miss' in s ? (sent[next++] as Step) : s));
  return { list, workers: pool.size, close: () => pool.close() };
}
