import { existsSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../rules/index';
import { ConfigError, findConfig, loadConfig } from '../config/load';
import { defaultConfig, type Config, type FailOn } from '../config/types';
import { ruleText } from '../docs/rule-doc';
import { rulesMarkdownTable } from '../docs/rules-table';
import { SEVERITY_RANK, type Finding } from '../engine/types';
import { lint, sourceRoot } from '../lint';
import { UsageError } from '../load/discover';
import { formatGithub } from '../report/github';
import { formatHuman } from '../report/human';
import { formatJson } from '../report/json';
import { formatSarif } from '../report/sarif';
import { rulesDocBase, version } from '../version';
import { explainReach, findNode, ReachQueryError } from '../reach/explain';
import { formatReach } from '../reach/format';
import { buildReachMap } from '../reach/map';
import { HELP, parseCommandLine, type LintArgs, type ReachArgs } from './args';
import { watchLoop } from './watch';

export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdoutIsTTY: boolean;
  readStdin?: () => Promise<Buffer>;
}

const defaultIo = (): Io => ({
  cwd: process.cwd(),
  env: process.env,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
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
    if (!known.has(id)) throw new UsageError(`unknown rule '${id}' in --rule (see 'kube-netlint rules')`);
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

async function lintOnce(args: LintArgs, io: Io): Promise<number> {
  const config = resolveConfig(args, io);
  const result = await lint({
    inputs: args.paths,
    cwd: io.cwd,
    config,
    ruleOverrides: args.rules,
    ignore: args.ignore,
    ...(args.namespace ? { namespace: args.namespace } : {}),
    ...(io.readStdin ? { readStdin: io.readStdin } : {}),
    context: args.context,
    ...(args.changedSince !== undefined ? { changedSince: args.changedSince } : {}),
  });
  if (result.stats.files === 0 && result.findings.length === 0) {
    io.stderr('kube-netlint: no .yaml, .yml or .json files found in the given paths\n');
  }
  let report: string;
  switch (args.format) {
    case 'json':
      report = formatJson(result.findings, result.stats, version());
      break;
    case 'sarif':
      report = formatSarif(result.findings, {
        version: version(),
        root: sourceRoot(io.cwd),
        rules: RULES.map((r) => r.meta),
        helpBase: rulesDocBase(),
      });
      break;
    case 'github':
      report = formatGithub(result.findings);
      break;
    default:
      report = formatHuman(result.findings, result.stats, { color: useColor(args, io) });
  }
  if (args.output) {
    const out = path.resolve(io.cwd, args.output);
    try {
      // Write whole or not at all: a viewer reloading the file never sees half a report.
      writeFileSync(`${out}.tmp`, report);
      renameSync(`${out}.tmp`, out);
    } catch (e) {
      throw new UsageError(
        `cannot write ${args.output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
  } else io.stdout(report);
  return failsThreshold(result.findings, args.failOn ?? config.failOn) ? EXIT_FINDINGS : EXIT_OK;
}

async function runLint(args: LintArgs, io: Io): Promise<number> {
  if (!args.watch) return lintOnce(args, io);
  if (args.paths.includes('-')) throw new UsageError('--watch cannot read standard input');
  return watchLoop(args, io, () => lintOnce(args, io));
}

async function runReach(args: ReachArgs, io: Io): Promise<number> {
  const config = resolveConfig({ ...args, rules: {} }, io);
  const result = await lint({
    inputs: args.paths,
    cwd: io.cwd,
    config,
    ignore: args.ignore,
    rules: [],
    ...(args.namespace ? { namespace: args.namespace } : {}),
    ...(io.readStdin ? { readStdin: io.readStdin } : {}),
  });
  const map = buildReachMap(result.model, config.cluster, { dns: args.dns });
  let text: string;
  let code = EXIT_OK;
  try {
    if (args.from !== undefined && args.to !== undefined) {
      const answer = explainReach(map, args.from, args.to, args.port);
      text = answer.text;
      code = answer.allowed ? EXIT_OK : EXIT_FINDINGS;
    } else {
      const focus = args.focus !== undefined ? findNode(map, args.focus) : undefined;
      const edges = focus
        ? map.edges.filter(
            (e) => e.src === focus || e.dst === focus || e.src.id === focus.id || e.dst.id === focus.id,
          )
        : map.edges;
      text = formatReach(map, edges, args.format);
    }
  } catch (e) {
    if (e instanceof ReachQueryError) throw new UsageError(e.message);
    throw e;
  }
  if (args.output) writeFileSync(path.resolve(io.cwd, args.output), text);
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
        if (!rule) throw new UsageError(`unknown rule '${cmd.rule}' (see 'kube-netlint rules')`);
        io.stdout(ruleText(rule.meta));
        return EXIT_OK;
      }
      case 'lint':
        return await runLint(cmd.options, io);
      case 'reach':
        return await runReach(cmd.options, io);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      io.stderr(`kube-netlint: ${e.message}\n`);
      if (e instanceof UsageError && /^(Unknown option|Option)/.test(e.message)) {
        io.stderr(`Run 'kube-netlint --help' for usage.\n`);
      }
      return EXIT_USAGE;
    }
    const detail = io.env['KUBE_NETLINT_DEBUG'] ? `\n${(e as Error).stack ?? ''}` : '';
    io.stderr(
      `kube-netlint: internal error: ${(e as Error).message ?? String(e)} (please report it; set KUBE_NETLINT_DEBUG=1 for details)${detail}\n`,
    );
    return EXIT_USAGE;
  }
}
