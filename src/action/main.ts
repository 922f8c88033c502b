// The GitHub Action: lints the workspace, writes SARIF for code scanning, annotates the pull request
// with workflow commands, writes outputs and a job summary. Bundled into action/index.js.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
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
import { countFindings } from '../report/summary';
import { safeWriteFile, UnsafeWriteError } from '../util/safe-write';
import { rulesDocBase, version } from '../version';

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

function baseRevision(env: ActionEnv): string | undefined {
  const eventPath = env['GITHUB_EVENT_PATH'];
  if (!eventPath || !existsSync(eventPath)) return undefined;
  try {
    const event = JSON.parse(readFileSync(eventPath, 'utf8')) as {
      pull_request?: { base?: { sha?: string } };
    };
    return event.pull_request?.base?.sha;
  } catch {
    return undefined;
  }
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
  try {
    const failOn = input(env, 'fail-on', 'error');
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
      if (!changedSince)
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
    writeSarif(sarifFile, workspace, result.findings);
    out(formatGithub(result.findings));
    const n = countFindings(result.findings);
    if (env['GITHUB_OUTPUT']) {
      appendFileSync(
        env['GITHUB_OUTPUT'],
        `sarif-file=${sarifFile}\nerrors=${n.error}\nwarnings=${n.warning}\nnotes=${n.note}\nsuppressed=${n.suppressed}\n`,
      );
    }
    if (env['GITHUB_STEP_SUMMARY']) {
      const rows = RULES.map((r) => r.meta.id)
        .map((id) => [id, result.findings.filter((f) => f.ruleId === id && !f.suppressions.length)] as const)
        .filter(([, list]) => list.length)
        .map(([id, list]) => `| \`${id}\` | ${list[0]?.severity} | ${list.length} |`);
      appendFileSync(
        env['GITHUB_STEP_SUMMARY'],
        [
          '## kube-netlint',
          '',
          `${n.error} errors, ${n.warning} warnings, ${n.note} notes (${n.suppressed} suppressed) in ${result.stats.objects} objects from ${result.stats.files} files.`,
          '',
          ...(rows.length ? ['| Rule | Severity | Findings |', '|---|---|---|', ...rows] : ['No findings.']),
          '',
        ].join('\n'),
      );
    }
    return failsThreshold(result.findings, failOn as FailOn) ? 1 : 0;
  } catch (e) {
    // The upload step that follows still finds a valid (empty) SARIF, and the error is annotated.
    try {
      writeSarif(sarifFile, workspace, []);
      if (env['GITHUB_OUTPUT']) appendFileSync(env['GITHUB_OUTPUT'], `sarif-file=${sarifFile}\n`);
    } catch (w) {
      out(`::error title=kube-netlint::cannot write ${escapeData(sarifFile)}: ${escapeData((w as Error).message)}\n`);
    }
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof UnsafeWriteError) {
      out(`::error title=kube-netlint::${escapeData(e.message)}\n`);
      return 2;
    }
    out(`::error title=kube-netlint::internal error: ${escapeData((e as Error).message)}\n`);
    return 2;
  }
}

if (require.main === module) {
  installWarningPrinter();
  void runAction(process.env, (s) => process.stdout.write(s)).then((code) => {
    process.exitCode = code;
  });
}
