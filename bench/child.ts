// One measured process of the benchmark: `ours DIR` runs the linter pipeline with SARIF output and
// reports the time of each stage; `floor DIR` only reads and parses the same files with `yaml`;
// `ours DIR CACHEDIR [metadata|content]` does the same with the parse cache; `slowpath DIR` counts the files that leave the fast js-yaml path, by reason (untimed).
// Each prints one JSON line, including its own peak resident memory.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { RULES } from '../rules/index';
import { defaultConfig } from '../src/config/types';
import { lint } from '../src/lint';
import { discover } from '../src/load/discover';
import { parseConcurrency } from '../src/load/parallel';
import { slowPathReason } from '../src/load/parse';
import { formatSarif } from '../src/report/sarif';
import { ParseCache } from '../src/load/cache';
import { version } from '../src/version';

async function ours(dir: string, cacheDir?: string, strategy?: string): Promise<object> {
  const start = performance.now();
  const cache = cacheDir
    ? new ParseCache(cacheDir, version(), dir, strategy === 'metadata' ? 'metadata' : 'content')
    : undefined;
  // Heap after each stage, after a full collection when --expose-gc is on (the bench passes it).
  const heap: Record<string, number> = {};
  const gc = (globalThis as { gc?: () => void }).gc;
  const onStage = (stage: string): void => {
    gc?.();
    heap[stage] = process.memoryUsage().heapUsed;
  };
  // KUBE_NETLINT_BENCH_CONCURRENCY: off, auto (the default) or a count, as --concurrency.
  const concurrency = parseConcurrency(process.env['KUBE_NETLINT_BENCH_CONCURRENCY'] ?? 'auto') ?? 'auto';
  const result = await lint({
    inputs: [dir],
    cwd: dir,
    config: defaultConfig(dir),
    ...(cache ? { cache } : {}),
    concurrency,
    // KUBE_NETLINT_BENCH_MAX_INPUT_MIB: as --max-input-mib (the bench's largest sizes).
    ...(process.env['KUBE_NETLINT_BENCH_MAX_INPUT_MIB']
      ? { maxInputBytes: Number(process.env['KUBE_NETLINT_BENCH_MAX_INPUT_MIB']) * 1048576 }
      : {}),
    onStage,
  });
  cache?.save();
  const t = performance.now();
  const sarif = formatSarif(result.findings, {
    version: '0.0.0',
    root: dir,
    rules: RULES.map((r) => r.meta),
    helpBase: undefined,
  });
  const report = performance.now() - t;
  return {
    stages: { ...result.timings, report },
    heap,
    ...(cache ? { cache: cache.stats } : {}),
    total: performance.now() - start,
    documents: result.stats.objects,
    workers: result.stats.workers,
    bytes: result.stats.bytes,
    findings: result.findings.length,
    sarifBytes: sarif.length,
  };
}

async function floor(dir: string): Promise<object> {
  const start = performance.now();
  const { files } = await discover([dir], { cwd: dir, ignore: [] });
  let documents = 0;
  let bytes = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    bytes += text.length;
    documents += parseAllDocuments(text).length;
  }
  return { total: performance.now() - start, documents, bytes };
}

/** How many files leave the fast js-yaml path, by reason (read again, outside the timed run). */
async function slowPath(dir: string): Promise<object> {
  const { files } = await discover([dir], { cwd: dir, ignore: [] });
  const reasons: Record<string, number> = {};
  for (const f of files) {
    const reason = slowPathReason(readFileSync(f, 'utf8'));
    if (reason !== undefined) reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  return { files: files.length, reasons };
}

async function main(): Promise<void> {
  const [mode, dir, cacheDir, strategy] = process.argv.slice(2);
  if (!dir || (mode !== 'ours' && mode !== 'floor' && mode !== 'slowpath'))
    throw new Error('usage: child.js ours|floor|slowpath DIR');
  const out =
    mode === 'ours'
      ? await ours(dir, cacheDir, strategy)
      : mode === 'slowpath'
        ? await slowPath(dir)
        : await floor(dir);
  console.log(JSON.stringify({ ...out, maxRssKB: process.resourceUsage().maxRSS }));
}

void main();
