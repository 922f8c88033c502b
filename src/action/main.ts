// The GitHub Action: lints the workspace, writes SARIF for code scanning, annotates the pull request
// with workflow commands, writes outputs and a job summary. Bundled into action/index.js.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { RULES } from '../../rules/index';
import { failsThreshold, installWarningPrinter } from '../cli/main';
import { ConfigError, findConfig, loadConfig } from '../config/load';
import { defaultConfig, type FailOn } from '../config/types';
import { lint, sourceRoot } from '../lint';
import { UsageError } from '../load/discover';
import { formatGithub } from '../report/github';
import { formatSarif } from '../report/sarif';
import { escapeControls } from '../report/safe-text';
import { formatFailureSarif } from '../report/sarif-failure';
import { escapeMarkdown, formatJobSummary } from '../report/job-summary';
import { countFindings } from '../report/summary';
import { safeWriteFile, UnsafeWriteError } from '../util/safe-write';
import { rulesDocBase, version } from '../version';
import { ensureBaseCommit } from './base-commit';
import { reachDiffSummary } from './reach-diff';

export interface ActionEnv {
  [key: string]: string | undefined;
}

/** `with: fail-on: …` arrives as INPUT_FAIL-ON (upper case, dashes kept). */
function input(env: ActionEnv, name: string, fallback = ''): string {
  return (env[`INPUT_${name.toUpperCase()}`] ?? '').trim() || fallback;
}

function escapeData(s: string): string {
  return escapeControls(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/**
 * One GITHUB_OUTPUT entry. A value with a line break (a path can hold one) is written in the
 * multi-line form with a random delimiter, so it can never start another output.
 */
function outputLine(name: string, value: string | number): string {
  const text = String(value);
  if (!/[\r\n]/.test(text)) return `${name}=${text}\n`;
  const delimiter = `ghadelimiter_${randomUUID()}`;
  return `${name}<<${delimiter}\n${text}\n${delimiter}\n`;
}

interface PullRequestEvent {
  pull_request?: { base?: { sha?: unknown }; head?: { sha?: unknown } };
}

function event(env: ActionEnv): PullRequestEvent {
  const eventPath = env['GITHUB_EVENT_PATH'];
  if (!eventPath || !existsSync(eventPath)) return {};
  try {
    return JSON.parse(readFileSync(eventPath, 'utf8')) as PullRequestEvent;
  } catch {
    return {};
  }
}

function baseRevision(env: ActionEnv): string | undefined {
  const sha = event(env).pull_request?.base?.sha;
  return typeof sha === 'string' ? sha : undefined;
}

/**
 * Where the summary links files: the blob at the pull request head (the merge commit GITHUB_SHA
 * names is not browsable for long), else at GITHUB_SHA. Values that do not look like what GitHub
 * sends give no links rather than links somewhere else.
 */
function blobBase(env: ActionEnv): string | undefined {
  const head = event(env).pull_request?.head?.sha;
  const sha = typeof head === 'string' ? head : env['GITHUB_SHA'];
  const server = (env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/$/, '');
  const repo = env['GITHUB_REPOSITORY'];
  if (!sha || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) return undefined;
  if (!repo || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) return undefined;
  if (!/^https:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(server)) return undefined;
  return `${server}/${repo}/blob/${sha}`;
}

/** Runs the action; returns the exit code. Writes only to the files GitHub names and to `out`. */
/**
 * Where the SARIF goes: the `sarif-file` input (relative to the workspace), else the runner's temp
 * folder. Not the workspace by default: a pull request controls its content, and could plant a
 * symbolic link at the default name (the writer refuses links; outside the tree there are none).
 */
function sarifPath(env: ActionEnv, workspace: string): string {
  const given = input(env, 'sarif-file');
  if (given) return path.resolve(workspace, given);
  const temp = env['RUNNER_TEMP'];
  return temp ? path.join(temp, 'kube-netlint.sarif') : path.resolve(workspace, 'kube-netlint.sarif');
}

function writeSarif(file: string, workspace: string, findings: Parameters<typeof formatSarif>[0]): void {
  const text = formatSarif(findings, {
    version: version(),
    root: sourceRoot(workspace),
    rules: RULES.map((r) => r.meta),
    helpBase: rulesDocBase(),
  });
  safeWriteFile(file, text, { untrustedRoot: workspace });
}

export async function runAction(env: ActionEnv, out: (s: string) => void): Promise<number> {
  const workspace = env['GITHUB_WORKSPACE'] || process.cwd();
  const sarifFile = sarifPath(env, workspace);
  const sarifOptions = () => ({
    version: version(),
    root: sourceRoot(workspace),
    rules: RULES.map((r) => r.meta),
    helpBase: rulesDocBase(),
  });
  try {
    const given = input(env, 'fail-on', 'error');
    // 'warn' is what ESLint and most linters call a warning.
    const failOn = given === 'warn' ? 'warning' : given;
    if (!['error', 'warning', 'note', 'never'].includes(failOn)) {
      throw new UsageError(`input fail-on: '${failOn}' is not error, warning, note or never`);
    }
    const paths = input(env, 'paths', '.').split(/\s+/).filter(Boolean);
    const configInput = input(env, 'config');
    const known = new Set(RULES.map((r) => r.meta.id));
    const configFile = configInput ? path.resolve(workspace, configInput) : findConfig(workspace);
    if (configInput && !existsSync(configFile as string))
      throw new ConfigError(`config file not found: ${configInput}`);
    const config = configFile ? loadConfig(configFile, known) : defaultConfig(workspace);
    let changedSince: string | undefined;
    if (input(env, 'only-changed', 'false') === 'true') {
      changedSince = baseRevision(env);
      if (changedSince) ensureBaseCommit(workspace, changedSince);
      else
        out(
          '::warning title=kube-netlint::only-changed needs a pull_request event; reporting on every file\n',
        );
    }
    const result = await lint({
      inputs: paths,
      cwd: workspace,
      config,
      ...(changedSince ? { changedSince } : {}),
    });
    // The connectivity diff of a pull request, for the job summary (input reach-diff turns it off).
    let reachDiff: string | undefined;
    const prBase = baseRevision(env);
    if (input(env, 'reach-diff', 'true') === 'true' && prBase && env['GITHUB_STEP_SUMMARY']) {
      try {
        ensureBaseCommit(workspace, prBase);
        reachDiff = await reachDiffSummary(workspace, prBase, paths, config, result.model);
      } catch (e) {
        // The findings matter more than the diff: a diff that cannot be made is a warning.
        out(`::warning title=kube-netlint::no connectivity diff: ${escapeData((e as Error).message)}\n`);
      }
    }
    writeSarif(sarifFile, workspace, result.findings);
    out(formatGithub(result.findings, sourceRoot(workspace)));
    if (result.stats.objects === 0)
      out(
        `::warning title=kube-netlint::no Kubernetes objects in ${escapeData(paths.join(' '))}: nothing was linted\n`,
      );
    const n = countFindings(result.findings);
    const outputs: string[] = [];
    const output = (name: string, value: string | number): void => void outputs.push(outputLine(name, value));
    output('sarif-file', sarifFile);
    output('errors', n.error);
    output('warnings', n.warning);
    output('notes', n.note);
    output('suppressed', n.suppressed);
    if (env['GITHUB_OUTPUT']) appendFileSync(env['GITHUB_OUTPUT'], outputs.join(''));
    if (env['GITHUB_STEP_SUMMARY']) {
      appendFileSync(
        env['GITHUB_STEP_SUMMARY'],
        formatJobSummary(result.findings, {
          root: sourceRoot(workspace),
          blobBase: blobBase(env),
          helpBase: rulesDocBase(),
          sarifFile: path.relative(workspace, sarifFile) || sarifFile,
          stats: result.stats,
        }) + (reachDiff ?? ''),
      );
    }
    return failsThreshold(result.findings, failOn as FailOn) ? 1 : 0;
  } catch (e) {
    const message =
      e instanceof UsageError || e instanceof ConfigError || e instanceof UnsafeWriteError
        ? e.message
        : `internal error: ${(e as Error).message ?? String(e)}`;
    out(`::error title=kube-netlint::${escapeData(message)}\n`);
    // The upload step runs `if: always()`: give it a valid SARIF that says the run failed.
    try {
      safeWriteFile(sarifFile, formatFailureSarif(message, sarifOptions()), { untrustedRoot: workspace });
      if (env['GITHUB_OUTPUT']) appendFileSync(env['GITHUB_OUTPUT'], outputLine('sarif-file', sarifFile));
      if (env['GITHUB_STEP_SUMMARY'])
        appendFileSync(
          env['GITHUB_STEP_SUMMARY'],
          `## kube-netlint\n\nThe run failed: ${escapeMarkdown(message)}\n`,
        );
    } catch (w) {
      out(`::error title=kube-netlint::cannot write ${escapeData(sarifFile)}: ${escapeData((w as Error).message)}\n`);
    }
    return 2;
  }
}

if (require.main === module) {
  installWarningPrinter();
  void runAction(process.env, (s) => process.stdout.write(s)).then((code) => {
    process.exitCode = code;
  });
}
