// npm run bench [-- --sizes 1000,10000,50000,200000] [--shape-size 10000] [--no-shapes]
//                  [--no-adversarial] [--adversarial-scales 0.25,0.5,1] [--no-precommit] [--no-lsp] [--no-reach]
// The 200k point of the growth curve takes a few minutes; --sizes 1000,10000,50000 leaves it out.
// Generates repositories, then measures, in the same run and on the same files:
//   floor: reading and parsing with `yaml` alone, nothing else;
//   ours:  the whole command line with SARIF output (wall clock, including Node start-up; peak RSS
//          of that CLI run, as a user runs it),
//          and a stage split from an in-process run (read, parse, model, rules, report).
// Figures are printed, never asserted.
import { spawnSync } from 'node:child_process';
import { cpus, tmpdir, totalmem } from 'node:os';
import * as path from 'node:path';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { generateRepository, type Generated } from './generate';
import { ADVERSARIAL } from './adversarial';
import { generateCorpusShape, generateShape, SHAPES } from './shapes';
import { precommitTiming } from './precommit';
import { runHostile } from './hostile';
import { lspBench } from './lsp';
import { reachTimings } from './reach';

const ROOT = path.resolve(__dirname, '..', '..');
const CHILD = path.join(__dirname, 'child.js');
const BIN = path.join(ROOT, 'bin', 'kube-netlint.js');
/** This run's scratch folder (set by main). */
const OUT = { dir: tmpdir() };

interface ChildResult {
  total: number;
  maxRssKB: number;
  documents: number;
  bytes: number;
  stages?: Record<string, number>;
  heap?: Record<string, number>;
  cache?: { hits: number; misses: number; rejected: number; unread: number };
  /** Parse worker threads that ran. */
  workers?: number;
}

function child(
  mode: 'ours' | 'floor',
  dir: string,
  extra: string[] = [],
  nodeFlags: string[] = [],
  env: Record<string, string> = {},
): ChildResult {
  return JSON.parse(childLine(mode, dir, extra, nodeFlags, env)) as ChildResult;
}

function childLine(
  mode: 'ours' | 'floor' | 'slowpath',
  dir: string,
  extra: string[] = [],
  nodeFlags: string[] = [],
  env: Record<string, string> = {},
): string {
  const r = spawnSync(process.execPath, [...nodeFlags, CHILD, mode, dir, ...extra], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').pop() as string;
}

/** The files that took the slow full parse, and why (issue #22: the guard must be exact). */
function slowPathLine(dir: string): string {
  const { files, reasons } = JSON.parse(childLine('slowpath', dir)) as {
    files: number;
    reasons: Record<string, number>;
  };
  const slow = Object.values(reasons).reduce((a, b) => a + b, 0);
  const why = Object.entries(reasons)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(' · ');
  return `${''.padEnd(12)}  slow path: ${slow}/${files} files (${((100 * slow) / Math.max(files, 1)).toFixed(1)}%)${why ? `: ${why}` : ''}`;
}

const RSS_PRELOAD = path.join(__dirname, 'rss-preload.js');
/** Where the preload writes the CLI's peak RSS: in this run's own folder, as everything it writes. */
const rssFile = (): string => path.join(OUT.dir, 'cli.rss');

/** Peak resident memory (KB) of the last cliWall run, as the CLI runs for a user. */
let lastCliRssKB = 0;

function cliWall(dir: string, extra: string[] = []): number {
  rmSync(rssFile(), { force: true });
  const t = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      '-r',
      RSS_PRELOAD,
      BIN,
      dir,
      '--no-config',
      '--format',
      'sarif',
      '-o',
      path.join(OUT.dir, 'report.sarif'),
      ...extra,
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, KUBE_NETLINT_RSS_FILE: rssFile() },
    },
  );
  const ms = performance.now() - t;
  if (r.status !== 0 && r.status !== 1) throw new Error(`kube-netlint failed: ${r.stderr}`);
  lastCliRssKB = Number(readFileSync(rssFile(), 'utf8'));
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const fmt = (ms: number): string => (ms / 1000).toFixed(2) + ' s';
const mib = (bytes: number | undefined): string => `${Math.round((bytes ?? 0) / 1048576)} MB`;

/**
 * The parse stage on worker threads against the main thread alone (issue #22: both cores), in-process
 * stage timings, median of `repeats` each.
 */
function concurrencyLine(dir: string, repeats: number): string {
  const runs = (concurrency: string): ChildResult[] =>
    Array.from({ length: repeats }, () =>
      child('ours', dir, [], [], { KUBE_NETLINT_BENCH_CONCURRENCY: concurrency }),
    );
  const off = runs('off');
  const auto = runs('auto');
  const parse = (rs: ChildResult[]) =>
    Math.round(median(rs.map((r) => (r.stages?.['read'] ?? 0) + (r.stages?.['parse'] ?? 0))));
  const total = (rs: ChildResult[]) => Math.round(median(rs.map((r) => r.total)));
  return (
    `${''.padEnd(12)}  --concurrency auto: ${auto[0]?.workers ?? 0} parse workers; read+parse ${parse(auto)} ms ` +
    `(off: ${parse(off)} ms, ${(parse(auto) / Math.max(parse(off), 1)).toFixed(2)}×); in-process total ${total(auto)} ms (off: ${total(off)} ms)`
  );
}

/** Heap after each stage, each after a full collection (one untimed run with --expose-gc). */
function heapLine(dir: string): string {
  const { heap = {} } = child('ours', dir, [], ['--expose-gc']);
  return `${''.padEnd(12)}  heap after load ${mib(heap['load'])} · model ${mib(heap['model'])} · rules ${mib(heap['rules'])}`;
}

/**
 * --cache, per strategy: the first run fills a fresh cache folder, later runs read it (issue #22:
 * warm ≤ 0.25 s + rule time). Whole-process wall times (medians), then an in-process warm run for
 * its stage split; "warm minus rules" takes the in-process rule time from the warm wall time.
 */
function cacheLines(dir: string, repeats: number): string[] {
  const lines: string[] = [];
  for (const strategy of ['metadata', 'content']) {
    const cacheDir = path.join(OUT.dir, 'cache');
    rmSync(cacheDir, { recursive: true, force: true });
    const args = ['--cache', '--cache-location', cacheDir, '--cache-strategy', strategy];
    const cold = cliWall(dir, args);
    const warm = median(Array.from({ length: repeats }, () => cliWall(dir, args)));
    const inProcess = Array.from({ length: repeats }, () => child('ours', dir, [cacheDir, strategy])).sort(
      (a, b) => a.total - b.total,
    )[Math.floor(repeats / 2)] as ChildResult;
    const st = inProcess.stages ?? {};
    const rules = st['rules'] ?? 0;
    rmSync(cacheDir, { recursive: true, force: true });
    lines.push(
      `${''.padEnd(12)}  --cache-strategy ${strategy.padEnd(8)}: cold ${fmt(cold)}, warm ${fmt(warm)}, warm minus rules ${fmt(warm - rules)} (target ≤ 0.25 s); ` +
        `${inProcess.cache?.hits ?? 0} files from the cache, ${inProcess.cache?.unread ?? 0} not read; warm in-process ${stagesText(st)}`,
    );
  }
  return lines;
}

/** A one-file run (the pre-commit case) against a bare `node -e 0` (issue #22: ≤ 2×). */
function startupLine(base: string): string {
  const file = path.join(base, 'one', 'service.yaml');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n',
  );
  const time = (args: string[]): number => {
    const t = performance.now();
    spawnSync(process.execPath, args, { encoding: 'utf8' });
    return performance.now() - t;
  };
  const bare = median(Array.from({ length: 7 }, () => time(['-e', '0'])));
  const one = median(Array.from({ length: 7 }, () => time([BIN, file, '--no-config'])));
  return `start-up: one-file run ${Math.round(one)} ms, node -e 0 ${Math.round(bare)} ms: ${(one / bare).toFixed(2)}× (target ≤ 2×; median of 7)`;
}

/** What the growth curve keeps of one measured size. */
interface Point {
  label: string;
  documents: number;
  /** Documents the linter counted: fewer when the input is over its total size budget. */
  linted: number;
  wall: number;
  cpu: number;
  rssMB: number;
}

/** Over the default 64 MiB total input budget (the 200k point), the runs raise it so every document is linted. */
function budgetFor(g: Generated): { args: string[]; env: Record<string, string> } {
  if (g.bytes < 60 * 1048576) return { args: [], env: {} };
  const mib = String(Math.ceil((g.bytes * 1.1) / 1048576));
  return { args: ['--max-input-mib', mib], env: { KUBE_NETLINT_BENCH_MAX_INPUT_MIB: mib } };
}

function measure(label: string, g: Generated, repeats: number): Point {
  const budget = budgetFor(g);
  const floors = Array.from({ length: repeats }, () => child('floor', g.dir));
  const ourRuns = Array.from({ length: repeats }, () => child('ours', g.dir, [], [], budget.env));
  const cliRss: number[] = [];
  const walls = Array.from({ length: repeats }, () => {
    const ms = cliWall(g.dir, budget.args);
    cliRss.push(lastCliRssKB);
    return ms;
  });
  const floor = median(floors.map((f) => f.total));
  const wall = median(walls);
  const best = ourRuns.reduce((a, b) => (a.total <= b.total ? a : b));
  const mb = g.bytes / 1048576;
  const st = best.stages ?? {};
  console.log(
    [
      label.padEnd(12),
      String(g.documents).padStart(7),
      mb.toFixed(1).padStart(6) + ' MB',
      fmt(floor).padStart(9),
      fmt(wall).padStart(9),
      ((wall / floor).toFixed(2) + '×').padStart(7),
      String(Math.round(g.documents / (wall / 1000))).padStart(8) + ' docs/s',
      (mb / (wall / 1000)).toFixed(2).padStart(6) + ' MB/s',
      // The CLI as a user runs it (launcher, bundle, default flags): the figure of the memory target.
      (Math.round(Math.max(...cliRss) / 1024) + ' MB').padStart(8),
      (Math.round(Math.max(...floors.map((o) => o.maxRssKB)) / 1024) + ' MB').padStart(8),
      `read ${Math.round(st['read'] ?? 0)} · parse ${Math.round(st['parse'] ?? 0)} · model ${Math.round(st['model'] ?? 0)} · rules ${Math.round(st['rules'] ?? 0)} · report ${Math.round(st['report'] ?? 0)} ms · ${best.workers ?? 0} parse workers`,
    ].join('  '),
  );
  console.log(slowPathLine(g.dir));
  return {
    label,
    documents: g.documents,
    linted: best.documents,
    wall,
    cpu: median(ourRuns.map((o) => o.total)),
    rssMB: Math.max(...ourRuns.map((o) => o.maxRssKB)) / 1024,
  };
}

/**
 * The growth curve (issue #22: linear from 1k to 200k): each step's time and memory ratio against
 * its document ratio. A time ratio near the document ratio is linear; near its square, quadratic.
 */
function growthTable(points: readonly Point[]): void {
  console.log(
    'growth (whole process and in-process; ratio = this step ÷ the previous; linear when time × ≈ docs ×):',
  );
  let prev: Point | undefined;
  for (const p of points) {
    const step = prev
      ? `docs ×${(p.documents / prev.documents).toFixed(1)}  time ×${(p.wall / prev.wall).toFixed(2)}  in-process ×${(p.cpu / prev.cpu).toFixed(2)}  RSS ×${(p.rssMB / prev.rssMB).toFixed(2)}`
      : '';
    const skipped =
      p.linted < 0.99 * p.documents ? `  (only ${p.linted} linted: over the total input budget)` : '';
    console.log(
      `  ${p.label.padEnd(6)} ${String(p.documents).padStart(7)} docs  ${fmt(p.wall).padStart(8)}  in-process ${fmt(p.cpu).padStart(8)}  ${`${Math.round(p.rssMB)} MB`.padStart(7)}  ${step}${skipped}`,
    );
    prev = p;
  }
}

/** One in-process run per repeat: median time, its stage split, peak RSS. */
function caseRun(
  dir: string,
  repeats: number,
): { total: number; rssMB: number; stages: Record<string, number>; documents: number } {
  const runs = Array.from({ length: repeats }, () => child('ours', dir)).sort((a, b) => a.total - b.total);
  const mid = runs[Math.floor(runs.length / 2)] as ChildResult;
  return {
    total: mid.total,
    rssMB: Math.max(...runs.map((r) => r.maxRssKB)) / 1024,
    stages: mid.stages ?? {},
    documents: mid.documents,
  };
}

const stagesText = (st: Record<string, number>): string =>
  ['read', 'parse', 'model', 'rules', 'report'].map((k) => `${k} ${Math.round(st[k] ?? 0)}`).join(' · ') +
  ' ms';

/**
 * The adversarial index cases (issue #22), each at several scales (time should double with the
 * scale) and, at the largest, against an ordinary repository of the same document count.
 */
function adversarial(base: string, scales: readonly number[], repeats: number): void {
  console.log(
    `adversarial index cases (in-process, median of ${repeats}; ratio = this scale ÷ the previous; linear when time × ≈ scale ×):`,
  );
  for (const [name, make] of Object.entries(ADVERSARIAL)) {
    let prev: { scale: number; total: number } | undefined;
    let largest: number | undefined;
    for (const scale of scales) {
      const dir = path.join(base, `adversarial-${name.replace(/\W+/g, '-')}-${scale}`);
      const g = make(dir, scale);
      const r = caseRun(dir, repeats);
      const step = prev
        ? `  scale ×${(scale / prev.scale).toFixed(1)} time ×${(r.total / prev.total).toFixed(2)}`
        : '';
      console.log(
        `  ${name.padEnd(38)} ×${String(scale).padEnd(5)} ${String(g.documents).padStart(7)} docs  ${fmt(r.total).padStart(8)}  ${`${Math.round(r.rssMB)} MB`.padStart(7)}  ${stagesText(r.stages)}${step}`,
      );
      largest = g.documents;
      prev = { scale, total: r.total };
      rmSync(dir, { recursive: true, force: true });
    }
    if (largest === undefined) continue;
    const dir = path.join(base, `adversarial-ordinary-${largest}`);
    const g = generateRepository(dir, largest);
    const r = caseRun(dir, repeats);
    console.log(
      `  ${'  ordinary repository, same size'.padEnd(38)} ${''.padEnd(6)} ${String(g.documents).padStart(7)} docs  ${fmt(r.total).padStart(8)}  ${`${Math.round(r.rssMB)} MB`.padStart(7)}  ${stagesText(r.stages)}  case ÷ ordinary ${((prev?.total ?? 0) / r.total).toFixed(2)}×`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const sizesArg = args[args.indexOf('--sizes') + 1];
  const sizes =
    args.includes('--sizes') && sizesArg ? sizesArg.split(',').map(Number) : [1000, 10000, 50000, 200000];
  const repeats = args.includes('--repeats') ? Number(args[args.indexOf('--repeats') + 1]) : 3;
  // A folder of this run's own: several benchmarks may run at once on a shared machine, and a fixed
  // name let one run delete another's repositories at start or end.
  const base = mkdtempSync(path.join(tmpdir(), 'kube-netlint-bench-'));
  OUT.dir = base;
  console.log(
    `kube-netlint benchmark · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} · ${Math.round(totalmem() / 2 ** 30)} GiB`,
  );
  console.log(
    `median of ${repeats} runs; floor = read + yaml.parseAllDocuments of the same files; ours = kube-netlint --format sarif (whole process)`,
  );
  console.log(
    [
      'repository'.padEnd(12),
      'docs'.padStart(7),
      'size'.padStart(9),
      'floor'.padStart(9),
      'ours'.padStart(9),
      'ratio'.padStart(7),
      'throughput'.padStart(15),
      ''.padStart(11),
      'peak RSS'.padStart(8),
      'floor RSS',
      'stages (in-process, best run)',
    ].join('  '),
  );
  console.log(startupLine(base));
  const points: Point[] = [];
  for (const n of sizes) {
    const g = generateRepository(path.join(base, `repo-${n}`), n);
    points.push(measure(`${n / 1000}k`, g, repeats));
    console.log(heapLine(g.dir));
    if (n >= 50000 || n === sizes[sizes.length - 1]) console.log(concurrencyLine(g.dir, repeats));
    if (n === 10000 || sizes.length === 1) for (const line of cacheLines(g.dir, repeats)) console.log(line);
    // The largest sizes take hundreds of MB of disk: gone once measured.
    if (n > 50000) rmSync(g.dir, { recursive: true, force: true });
  }
  if (points.length > 1) growthTable(points);
  if (!args.includes('--no-shapes')) {
    // Every shape at the same size (issue #22: ≤ 0.35× the floor on each), then the corpora scaled up.
    const shapeSize = args.includes('--shape-size') ? Number(args[args.indexOf('--shape-size') + 1]) : 10000;
    for (const shape of Object.keys(SHAPES)) {
      const g = generateShape(path.join(base, `shape-${shape}`), shapeSize, shape);
      measure(shape, g, repeats);
    }
    for (const corpus of ['corpus', 'corpus2']) {
      const g = generateCorpusShape(
        path.join(base, corpus),
        path.join(ROOT, '..', 'shared', corpus),
        shapeSize,
      );
      if (g) measure(corpus, g, repeats);
      else console.log(`${corpus.padEnd(12)}  skipped (../shared/${corpus} not found)`);
    }
  }
  if (!args.includes('--no-adversarial')) {
    const scalesArg = args[args.indexOf('--adversarial-scales') + 1];
    const scales =
      args.includes('--adversarial-scales') && scalesArg ? scalesArg.split(',').map(Number) : [0.25, 0.5, 1];
    adversarial(base, scales, repeats);
    runHostile(base, CHILD);
  }
  if (!args.includes('--no-precommit')) console.log(precommitTiming(ROOT, base, 1000, repeats));
  if (!args.includes('--no-lsp')) {
    // The language server (#15): latency at 1k and 10k documents; memory across 1,000 edits at 1k.
    console.log('kube-netlint lsp (over stdio, no debounce; editors pause 120 ms before it):');
    for (const [n, edits] of [
      [1000, 1000],
      [10000, 30],
    ] as const) {
      const g = generateRepository(path.join(base, `lsp-${n}`), n);
      console.log(`  ${await lspBench(BIN, `${n / 1000}k docs`, g.dir, edits)}`);
    }
  }
  if (!args.includes('--no-reach'))
    for (const line of reachTimings(BIN, base, [1000, 10000], repeats)) console.log(line);
  rmSync(base, { recursive: true, force: true });
}

void main();
