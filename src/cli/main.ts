import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../rules/index';
import { ConfigError, findConfig, loadConfig } from '../config/load';
import { defaultConfig, type Config, type FailOn } from '../config/types';
import { ruleText } from '../docs/rule-doc';
import { rulesMarkdownTable } from '../docs/rules-table';
import { SEVERITY_RANK, type Finding } from '../engine/types';
import { lint, sourceRoot } from '../lint';
import { UsageError } from '../load/discover';
import { DEFAULT_CACHE_DIR, ParseCache } from '../load/cache';
import { formatGithub } from '../report/github';
import { formatHuman } from '../report/human';
import { formatJson } from '../report/json';
import { formatSarif } from '../report/sarif';
import { safeLines } from '../report/safe-text';
import { safeWriteFile, UnsafeWriteError } from '../util/safe-write';
import { formatFailureSarif } from '../report/sarif-failure';
import { rulesDocBase, version } from '../version';
import { explainReach, findNode, ReachQueryError } from '../reach/explain';
import { formatReach } from '../reach/format';
import { baseTree } from '../reach/base-tree';
import { diffJson, diffMarkdown, diffReach, diffText } from '../reach/diff';
import { buildReachMap, MAX_REACH_EDGES, type ReachMap } from '../reach/map';
import { HELP, parseCommandLine, type LintArgs, type ReachArgs } from './args';
import { watchLoop } from './watch';
import { didYouMean } from '../util/suggest';

export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdoutIsTTY: boolean;
  readStdin?: () => Promise<Buffer>;
}

/**
 * A stream whose reader went away (`kube-netlint rules | head`): writes fail with EPIPE. That is
 * not an error of ours: stop writing to it and finish quietly with the command's own exit code.
 */
function quietWriter(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') closed = true;
    else throw e;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}

const defaultIo = (): Io => ({
  cwd: process.cwd(),
  env: process.env,
  stdout: quietWriter(process.stdout),
  stderr: quietWriter(process.stderr),
  stdoutIsTTY: process.stdout.isTTY === true,
});

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

function useColor(args: LintArgs, io: Io): boolean {
  if (args.color !== undefined) return args.color;
  if (args.output) return false;
  if (io.env['NO_COLOR'] !== undefined && io.env['NO_COLOR'] !== '') return false;
  if (io.env['FORCE_COLOR'] !== undefined && io.env['FORCE_COLOR'] !== '' && io.env['FORCE_COLOR'] !== '0')
    return true;
  return io.stdoutIsTTY;
}

function resolveConfig(args: Pick<LintArgs, 'rules' | 'noConfig' | 'config'>, io: Io): Config {
  const known = new Set(RULES.map((r) => r.meta.id));
  for (const id of Object.keys(args.rules)) {
    if (!known.has(id))
      throw new UsageError(
        `unknown rule '${id}' in --rule${didYouMean(id, known) || " (see 'kube-netlint rules')"}`,
      );
  }
  if (args.noConfig) return defaultConfig(io.cwd);
  const file = args.config ? path.resolve(io.cwd, args.config) : findConfig(io.cwd);
  if (args.config && file && !existsSync(file)) {
    throw new ConfigError(`config file not found: ${args.config}`);
  }
  return file ? loadConfig(file, known) : defaultConfig(io.cwd);
}

export function failsThreshold(findings: readonly Finding[], failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  const min = SEVERITY_RANK[failOn];
  return findings.some((f) => f.suppressions.length === 0 && SEVERITY_RANK[f.severity] >= min);
}

/**
 * Writes a report whole, never through a symbolic link the repository under lint could plant (see
 * util/safe-write). A failure is a usage error: one line, exit 2.
 */
function writeOutput(io: Io, output: string, text: string): void {
  try {
    safeWriteFile(path.resolve(io.cwd, output), text, { untrustedRoot: sourceRoot(io.cwd) });
  } catch (e) {
    const why =
      e instanceof UnsafeWriteError ? e.message : ((e as NodeJS.ErrnoException).code ?? (e as Error).message);
    throw new UsageError(`cannot write ${output}: ${why}`);
  }
}

function sarifOptions(io: Io) {
  return {
    version: version(),
    root: sourceRoot(io.cwd),
    rules: RULES.map((r) => r.meta),
    helpBase: rulesDocBase(),
  };
}

/** The report to -o (whole or not at all) or to standard output. */
function emit(args: LintArgs, io: Io, report: string): void {
  if (args.output) writeOutput(io, args.output, report);
  else io.stdout(report);
}

async function lintOnce(args: LintArgs, io: Io): Promise<number> {
  let config: Config;
  try {
    config = resolveConfig(args, io);
  } catch (e) {
    // A SARIF consumer (a workflow's upload step) still gets a valid file that says the run failed.
    if (args.format === 'sarif' && (e instanceof ConfigError || e instanceof UsageError)) {
      emit(args, io, formatFailureSarif(e.message, sarifOptions(io)));
    }
    throw e;
  }
  // ESLint's semantics: --cache-location alone does nothing.
  const cache = args.cache
    ? new ParseCache(
        path.resolve(io.cwd, args.cacheLocation ?? DEFAULT_CACHE_DIR),
        version(),
        io.cwd,
        args.cacheStrategy,
      )
    : undefined;
  const result = await lint({
    inputs: args.paths,
    cwd: io.cwd,
    config,
    ...(cache ? { cache } : {}),
    concurrency: args.concurrency,
    ...(args.maxInputBytes !== undefined ? { maxInputBytes: args.maxInputBytes } : {}),
    ruleOverrides: args.rules,
    ignore: args.ignore,
    ...(args.namespace ? { namespace: args.namespace } : {}),
    ...(io.readStdin ? { readStdin: io.readStdin } : {}),
    context: args.context,
    ...(args.changedSince !== undefined ? { changedSince: args.changedSince } : {}),
    ...(args.helmChart !== undefined ? { helmChart: args.helmChart } : {}),
    ...(args.kustomizeDir !== undefined ? { kustomizeDir: args.kustomizeDir } : {}),
  });
  cache?.save();
  // Nothing to lint passes silently otherwise: `kustomize build broken/ | kube-netlint -` after
  // kustomize failed prints "no problems".
  const empty = result.stats.objects === 0;
  if (empty) {
    const level = args.failOnEmpty ? 'error' : 'warning';
    io.stderr(
      result.stats.files === 0 && result.findings.length === 0
        ? `kube-netlint: ${level}: no .yaml, .yml or .json files found in the given paths\n`
        : `kube-netlint: ${level}: the input holds no Kubernetes objects (no document with apiVersion and kind); if it came from helm or kustomize, check that command's output${args.failOnEmpty ? '' : ' (--fail-on-empty makes this an error)'}\n`,
    );
  }
  let report: string;
  switch (args.format) {
    case 'json':
      report = formatJson(result.findings, result.stats, version());
      break;
    case 'sarif':
      report = formatSarif(result.findings, sarifOptions(io));
      break;
    case 'github':
      report = formatGithub(result.findings, sourceRoot(io.cwd));
      break;
    default:
      report = formatHuman(result.findings, result.stats, { color: useColor(args, io) });
  }
  emit(args, io, report);
  if (empty && args.failOnEmpty) return EXIT_FINDINGS;
  return failsThreshold(result.findings, args.failOn ?? config.failOn) ? EXIT_FINDINGS : EXIT_OK;
}

async function runLint(args: LintArgs, io: Io): Promise<number> {
  if (!args.watch) return lintOnce(args, io);
  if (args.paths.includes('-')) throw new UsageError('--watch cannot read standard input');
  return watchLoop(args, io, () => lintOnce(args, io));
}

async function reachMapOf(
  args: ReachArgs,
  config: Config,
  inputs: string[],
  cwd: string,
  io: Io,
  involving: ((id: string) => boolean) | undefined,
): Promise<ReachMap> {
  const result = await lint({
    inputs,
    cwd,
    config,
    ignore: args.ignore,
    rules: [],
    ...(args.namespace ? { namespace: args.namespace } : {}),
    ...(io.readStdin ? { readStdin: io.readStdin } : {}),
  });
  return buildReachMap(result.model, config.cluster, {
    ...(involving ? { involving } : {}),
    dns: args.dns,
  });
}

/**
 * The map of the base for --diff: a second path when one exists by that name, else the same paths
 * at a git revision (read from git into a temporary folder). The config is the current one for
 * both, so only the manifests' change shows.
 */
async function baseReachMap(
  args: ReachArgs,
  config: Config,
  io: Io,
  base: string,
  involving: ((id: string) => boolean) | undefined,
): Promise<ReachMap> {
  if (existsSync(path.resolve(io.cwd, base))) return reachMapOf(args, config, [base], io.cwd, io, involving);
  if (args.paths.includes('-'))
    throw new UsageError('reach --diff: standard input has no earlier version to compare');
  const tree = baseTree(io.cwd, base);
  try {
    const inputs = (args.paths.length ? args.paths : ['.']).map((p) => tree.map(p));
    return await reachMapOf(args, config, inputs, tree.map('.'), io, involving);
  } finally {
    tree.dispose();
  }
}

async function runReach(args: ReachArgs, io: Io): Promise<number> {
  const config = resolveConfig({ ...args, rules: {} }, io);
  // Only the connections asked for are computed: none for --from/--to (the engine answers), those
  // of candidate nodes for --focus (findNode below picks the one and checks it is unique).
  const ref = args.focus;
  const involving =
    args.from !== undefined
      ? () => false
      : ref !== undefined
        ? (id: string) =>
            id === ref || id.startsWith(`${ref}[`) || (id.split('/')[1] ?? '').startsWith(`${ref}[`)
        : undefined;
  const map = await reachMapOf(args, config, args.paths, io.cwd, io, involving);
  if (args.diff !== undefined) {
    // With --focus both maps hold the same workload's connections only.
    const base = await baseReachMap(args, config, io, args.diff, involving);
    if (map.truncated || base.truncated)
      io.stderr(
        `kube-netlint: reach: more than ${MAX_REACH_EDGES} allowed connections; the diff compares the first ` +
          `${MAX_REACH_EDGES} of each map\n`,
      );
    const changes = diffReach(base.edges, map.edges);
    const text =
      args.format === 'json'
        ? diffJson(changes)
        : args.format === 'md'
          ? diffMarkdown(changes)
          : args.format === 'html'
            ? formatReach(map, map.edges, 'html', changes)
            : safeLines(diffText(changes));
    if (args.output) writeOutput(io, args.output, text);
    else io.stdout(text);
    return EXIT_OK;
  }
  if (map.truncated)
    io.stderr(
      `kube-netlint: reach: more than ${MAX_REACH_EDGES} allowed connections; the map lists the first ` +
        `${MAX_REACH_EDGES}. Narrow it with --focus NS/WORKLOAD or fewer paths\n`,
    );
  let text: string;
  let code = EXIT_OK;
  try {
    if (args.from !== undefined && args.to !== undefined) {
      const answer = explainReach(map, args.from, args.to, args.port);
      text = safeLines(answer.text);
      code = answer.allowed ? EXIT_OK : EXIT_FINDINGS;
    } else {
      const focus = args.focus !== undefined ? findNode(map, args.focus) : undefined;
      const edges = focus
        ? map.edges.filter(
            (e) => e.src === focus || e.dst === focus || e.src.id === focus.id || e.dst.id === focus.id,
          )
        : map.edges;
      text = formatReach(map, edges, args.format);
      if (args.format === 'text') text = safeLines(text);
    }
  } catch (e) {
    if (e instanceof ReachQueryError) throw new UsageError(e.message);
    throw e;
  }
  if (args.output) writeOutput(io, args.output, text);
  else io.stdout(text);
  return code;
}

function listRules(format: 'human' | 'json' | 'markdown', io: Io): number {
  if (format === 'json') {
    io.stdout(
      JSON.stringify(
        RULES.map((r) => r.meta),
        null,
        2,
      ) + '\n',
    );
  } else if (format === 'markdown') {
    io.stdout(rulesMarkdownTable(RULES.map((r) => r.meta)));
  } else {
    const width = Math.max(...RULES.map((r) => r.meta.id.length));
    for (const r of RULES)
      io.stdout(`${r.meta.id.padEnd(width)}  ${r.meta.severity.padEnd(7)}  ${r.meta.description}\n`);
  }
  return EXIT_OK;
}

/**
 * Node prints process warnings (a library's, a deprecation) raw on stderr, where the GitHub runner
 * reads workflow commands; a warning that quotes the input could issue one. Replaces that printer
 * with one that sanitizes. Called by the launcher, not by tests that run main() in-process.
 */
export function installWarningPrinter(): void {
  process.removeAllListeners('warning');
  process.on('warning', (w: Error) => {
    process.stderr.write(`kube-netlint: warning: ${safeLines(`${w.name}: ${w.message}`)}\n`);
  });
}

/** Runs the command line; returns the exit code. Never throws: errors become one line on stderr. */
export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  try {
    const cmd = parseCommandLine(argv);
    switch (cmd.name) {
      case 'help':
        io.stdout(HELP);
        return EXIT_OK;
      case 'version':
        io.stdout(`${version()}\n`);
        return EXIT_OK;
      case 'rules':
        return listRules(cmd.format, io);
      case 'explain': {
        const rule = RULES.find((r) => r.meta.id === cmd.rule);
        if (!rule)
          throw new UsageError(
            `unknown rule '${cmd.rule}'${
              didYouMean(
                cmd.rule,
                RULES.map((r) => r.meta.id),
              ) || " (see 'kube-netlint rules')"
            }`,
          );
        io.stdout(ruleText(rule.meta));
        return EXIT_OK;
      }
      case 'lint':
        return await runLint(cmd.options, io);
      case 'reach':
        return await runReach(cmd.options, io);
      case 'lsp': {
        // Loaded only here: a lint run does not pay for the protocol library's start-up.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const server = require('../lsp/server') as typeof import('../lsp/server');
        return await server.runLanguageServer();
      }
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      // Messages may quote the input (a config key, a file name): sanitized like every report.
      io.stderr(`kube-netlint: ${safeLines(e.message)}\n`);
      if (e instanceof UsageError && /^(Unknown option|Option)/.test(e.message)) {
        io.stderr(`Run 'kube-netlint --help' for usage.\n`);
      }
      return EXIT_USAGE;
    }
    const detail = io.env['KUBE_NETLINT_DEBUG'] ? `\n${(e as Error).stack ?? ''}` : '';
    io.stderr(
      `kube-netlint: internal error: ${safeLines((e as Error).message ?? String(e))} (please report it; set KUBE_NETLINT_DEBUG=1 for details)${detail}\n`,
    );
    return EXIT_USAGE;
  }
}
