import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../rules/index';
import { ConfigError } from './config/load';
import type { Config, SeveritySetting } from './config/types';
import { runRules } from './engine/run';
import type { Finding, Location, Rule } from './engine/types';
import { discover } from './load/discover';
import { changedFiles } from './load/git';
import { displayPath, load, type Concurrency, type LoadResult } from './load/index';
import type { ParseCache } from './load/cache';
import { DEFAULT_LIMITS } from './load/parse';
import { HelmSources } from './load/helm-source';
import { kustomized } from './load/kustomize';
import { KustomizeOrigins, objectRegion, ORIGIN_ANNOTATION, originPath } from './load/kustomize-origin';
import { Model, type ExtraPods } from './model/model';
import { syntheticObject, type KObject } from './model/object';

export interface LintOptions {
  inputs: readonly string[];
  cwd: string;
  config: Config;
  /** Severities from the command line; they win over the config file. */
  ruleOverrides?: Readonly<Record<string, SeveritySetting>>;
  /** Ignore globs from the command line, relative to cwd. */
  ignore?: readonly string[];
  /** Namespace for objects without one; overrides the config. */
  namespace?: string;
  /**
   * More inputs that build the model but are not reported on: with them, findings are reported only
   * for the files of `inputs` (a pre-commit hook passes the staged files; the context is the repo).
   */
  context?: readonly string[];
  /** Report only findings in files changed since this git revision. */
  changedSince?: string;
  rules?: readonly Rule[];
  readStdin?: () => Promise<Buffer>;
  /** The chart folder `helm template` output comes from; default: found by Chart.yaml name under cwd. */
  helmChart?: string;
  /** The folder given to `kustomize build`, which origin annotation paths are relative to. */
  kustomizeDir?: string;
  /** Documents parsed by earlier runs (`--cache`); the caller saves it. */
  cache?: ParseCache;
  /** Parse worker threads (`--concurrency`): a count, `auto` (default: only for large inputs) or `off`. */
  concurrency?: Concurrency;
  /** The limit for all files together, in bytes (`--max-input-mib`); default DEFAULT_LIMITS'. */
  maxInputBytes?: number;
  /** Called after each stage (the benchmark records the heap there). */
  onStage?: (stage: 'load' | 'model' | 'rules') => void;
}

export interface Timings {
  read: number;
  parse: number;
  load: number;
  model: number;
  rules: number;
}

export interface LintResult {
  findings: Finding[];
  /** `workers`: parse worker threads that ran (0: none). */
  stats: { files: number; objects: number; bytes: number; workers: number };
  model: Model;
  timings: Timings;
}

/** The config file as an object, so that pods and ranges it declares can be pointed at like any other. */
export function configOwner(config: Config, cwd: string): { owner: KObject } | undefined {
  if (!config.file) return undefined;
  const name = path.basename(config.file);
  const owner = syntheticObject(
    displayPath(cwd, config.file),
    config.file,
    readFileSync(config.file, 'utf8'),
    {
      kind: 'KubeNetlintConfig',
      apiVersion: 'kube-netlint/v1',
      group: 'kube-netlint',
      name,
      namespace: undefined,
    },
  );
  return { owner };
}

/** Loads the inputs, builds the model and runs the rules: everything but reporting. */
export async function lint(opts: LintOptions): Promise<LintResult> {
  const t0 = performance.now();
  const ignore = [
    ...opts.config.ignore.map((pattern) => ({ pattern, base: opts.config.baseDir })),
    ...(opts.ignore ?? []).map((pattern) => ({ pattern, base: opts.cwd })),
  ];
  // The config comes with the repository: its context stays inside it (context: [/] would read the
  // whole machine). Paths outside are read only when the command line names them (--context).
  const root = sourceRoot(opts.cwd);
  for (const c of opts.config.context) {
    const rel = path.relative(root, path.resolve(opts.config.baseDir, c));
    if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
      throw new ConfigError(
        `config context '${c}' is outside the repository (${root}); name it with --context to read it`,
      );
  }
  const contextInputs = [
    ...(opts.context ?? []),
    ...opts.config.context.map((c) => path.relative(opts.cwd, path.resolve(opts.config.baseDir, c)) || '.'),
  ];
  // Which files findings are reported for; undefined: all of them.
  let reportFiles: ReadonlySet<string> | undefined;
  let reportStdin = true;
  if (contextInputs.length) {
    const found = await discover(opts.inputs, { cwd: opts.cwd, ignore });
    reportFiles = new Set(found.files);
    reportStdin = found.stdin;
  }
  if (opts.changedSince !== undefined) {
    const changed = changedFiles(opts.cwd, opts.changedSince);
    reportFiles = reportFiles ? new Set([...reportFiles].filter((f) => changed.has(f))) : changed;
  }
  const loaded = await load([...opts.inputs, ...contextInputs.filter((c) => !opts.inputs.includes(c))], {
    cwd: opts.cwd,
    ignore,
    ...(opts.readStdin ? { readStdin: opts.readStdin } : {}),
    ...(opts.cache ? { cache: opts.cache } : {}),
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
    ...(opts.maxInputBytes !== undefined
      ? { limits: { ...DEFAULT_LIMITS, maxTotalBytes: opts.maxInputBytes } }
      : {}),
  });
  opts.onStage?.('load');
  return lintLoaded(loaded, opts, { reportFiles, reportStdin }, t0);
}

/** Which files findings are reported for: undefined for all. */
export interface ReportScope {
  reportFiles: ReadonlySet<string> | undefined;
  reportStdin: boolean;
}

/**
 * Builds the model from input already loaded and runs the rules: the part of `lint` after reading.
 * The language server calls it with its own set of parsed files (open buffers over the disk), so
 * both report the same findings with the same suppressions.
 */
export function lintLoaded(
  loaded: LoadResult,
  opts: Pick<
    LintOptions,
    'cwd' | 'config' | 'ruleOverrides' | 'namespace' | 'rules' | 'helmChart' | 'kustomizeDir' | 'onStage'
  >,
  scope: ReportScope = { reportFiles: undefined, reportStdin: true },
  t0: number = performance.now(),
): LintResult {
  const { reportFiles, reportStdin } = scope;
  const t1 = performance.now();
  const cfgOwner = configOwner(opts.config, opts.cwd);
  const extraPods: ExtraPods[] = cfgOwner
    ? opts.config.pods.map((p) => ({
        namespace: p.namespace,
        labels: p.labels,
        owner: cfgOwner.owner,
        labelsPath: ['pods', p.index, 'labels'],
      }))
    : [];
  const model = new Model(kustomized(loaded.docs), loaded.diagnostics, {
    defaultNamespace: opts.namespace ?? opts.config.namespace,
    extraPods,
    clusterDns: opts.config.cluster.dns,
    ...(cfgOwner ? { configObject: cfgOwner.owner } : {}),
  });
  opts.onStage?.('model');
  const t2 = performance.now();
  const { findings, timings: ruleTimings } = runRules(model, {
    rules: opts.rules ?? RULES,
    severities: { ...opts.config.rules, ...(opts.ruleOverrides ?? {}) },
    config: opts.config,
    knownRuleIds: new Set(RULES.map((r) => r.meta.id)),
  });
  opts.onStage?.('rules');
  const t3 = performance.now();
  if (process.env['KUBE_NETLINT_TIMING']) {
    // Profiling aid: the slowest rules, on stderr.
    const top = Object.entries(ruleTimings)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8);
    process.stderr.write(top.map(([id, ms]) => `${ms.toFixed(1).padStart(8)} ms  ${id}`).join('\n') + '\n');
    process.stderr.write(`parse workers: ${loaded.workers ?? 0}\n`);
  }
  // kustomize build output with origin annotations: point at the source file of each object (its
  // `kind:` line), with the built text as the rendered location, as for Helm.
  const origins = new KustomizeOrigins(opts.cwd, opts.kustomizeDir);
  const byId = new Map(model.objects.map((o) => [o.id, o]));
  const fromOrigin = (loc: Location, objectId: string | undefined): void => {
    if (loc.rendered || objectId === undefined) return;
    const obj = byId.get(objectId);
    const origin = originPath(obj?.annotations[ORIGIN_ANNOTATION]);
    if (!obj || origin === undefined) return;
    const abs = origins.resolve(origin);
    if (!abs) return;
    loc.rendered = { file: loc.file, absPath: loc.absPath, region: loc.region };
    loc.file = displayPath(opts.cwd, abs);
    loc.absPath = abs;
    loc.region = objectRegion(abs, obj.kind, obj.name);
  };
  for (const f of findings) {
    fromOrigin(f.location, f.object?.id);
    for (const r of f.related) fromOrigin(r.location, r.objectId);
  }
  // A chart template named by helm's `# Source:` comment: point at it when it is on disk, in the
  // chart folder whose Chart.yaml has that name (or the one given with --helm-chart).
  const helm = new HelmSources(opts.cwd, opts.helmChart);
  for (const loc of findings.flatMap((f) => [f.location, ...f.related.map((r) => r.location)])) {
    if (!loc.rendered) continue;
    const abs = helm.resolve(loc.file);
    if (abs) {
      loc.absPath = abs;
      loc.file = displayPath(opts.cwd, abs);
    }
  }
  // A finding belongs to a change when any object it involves lies in a changed file: a Service
  // edited in one file breaks the Ingress in another, and the Ingress finding names the Service as
  // a related location. Rules record what they depend on as related locations for this.
  const touches = (files: ReadonlySet<string>, loc: Location): boolean => {
    const where = loc.rendered ?? loc;
    return where.absPath === undefined ? reportStdin : files.has(where.absPath);
  };
  // Related objects count when read from a file or standard input, not when modelled (cluster DNS).
  const relatedTouches = (files: ReadonlySet<string>, loc: Location): boolean => {
    const where = loc.rendered ?? loc;
    return where.absPath !== undefined ? files.has(where.absPath) : where.file === '<stdin>' && reportStdin;
  };
  const reported = reportFiles
    ? findings.filter(
        (f) =>
          !f.location.file ||
          touches(reportFiles, f.location) ||
          f.related.some((r) => relatedTouches(reportFiles, r.location)),
      )
    : findings;
  return {
    findings: reported,
    stats: {
      files: loaded.files.length,
      objects: loaded.docs.length,
      bytes: loaded.bytes ?? 0,
      workers: loaded.workers ?? 0,
    },
    model,
    timings: {
      read: loaded.timings?.read ?? 0,
      parse: loaded.timings?.parse ?? 0,
      load: t1 - t0,
      model: t2 - t1,
      rules: t3 - t2,
    },
  };
}

/** The directory SARIF URIs are relative to: the enclosing git repository, else cwd. */
export function sourceRoot(cwd: string): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(cwd);
    dir = parent;
  }
}
