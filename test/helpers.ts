import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RULES } from '../rules/index';
import { loadConfig } from '../src/config/load';
import { defaultConfig, type Config } from '../src/config/types';
import { configOwner } from '../src/lint';
import { kustomized } from '../src/load/kustomize';
import { runRules } from '../src/engine/run';
import type { Finding } from '../src/engine/types';
import { loadBuffer } from '../src/load/index';
import { DEFAULT_LIMITS, type ParseLimits } from '../src/load/parse';
import type { LoadResult } from '../src/load/types';
import { Model } from '../src/model/model';
import { PACKAGE_ROOT } from '../src/version';

export const ROOT = PACKAGE_ROOT;
export const BIN = path.join(ROOT, 'bin', 'kube-netlint.js');
export const FIXTURES = path.join(ROOT, 'fixtures');
export const SHARED = path.resolve(ROOT, '..', 'shared');
export const CORPUS = path.join(SHARED, 'corpus');
export const SARIF_SCHEMA = path.join(SHARED, 'schemas', 'sarif-schema-2.1.0.json');

/** Parses in-memory files (name → text) as one input, without touching the disk. */
export function loadTexts(
  files: Record<string, string | Uint8Array>,
  limits: ParseLimits = DEFAULT_LIMITS,
): LoadResult {
  const result: LoadResult = { docs: [], diagnostics: [], files: [] };
  for (const [name, content] of Object.entries(files)) {
    const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    loadBuffer(buf, name, `/virtual/${name}`, limits, result);
  }
  return result;
}

export function modelOf(files: Record<string, string>, namespace = 'default'): Model {
  const loaded = loadTexts(files);
  return new Model(loaded.docs, loaded.diagnostics, {
    defaultNamespace: namespace,
    clusterDns: defaultConfig('/').cluster.dns,
  });
}

/** Lints in-memory files with every rule (or the given ones) and the default config (or one given as text). */
export function lintTexts(
  files: Record<string, string | Uint8Array>,
  opts: { config?: Config; ruleIds?: string[]; configText?: string } = {},
): Finding[] {
  const loaded = loadTexts(files);
  let config = opts.config ?? defaultConfig('/virtual');
  let configObject;
  if (opts.configText !== undefined) {
    // A config given as text is read like a real one, from a file, so findings can point into it.
    const dir = tempDir();
    const file = path.join(dir, '.kube-netlint.yaml');
    writeFileSync(file, opts.configText);
    config = loadConfig(file, new Set(RULES.map((r) => r.meta.id)));
    configObject = configOwner(config, dir)?.owner;
  }
  const model = new Model(kustomized(loaded.docs), loaded.diagnostics, {
    defaultNamespace: config.namespace,
    clusterDns: config.cluster.dns,
    ...(configObject ? { configObject } : {}),
  });
  const rules = opts.ruleIds ? RULES.filter((r) => opts.ruleIds?.includes(r.meta.id)) : RULES;
  return runRules(model, {
    rules,
    severities: config.rules,
    config,
    knownRuleIds: new Set(RULES.map((r) => r.meta.id)),
  }).findings;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built command line as a user would. */
export function runCli(
  args: string[],
  opts: { cwd?: string; input?: string | Buffer; env?: Record<string, string>; timeout?: number } = {},
): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    ...(opts.timeout ? { timeout: opts.timeout, killSignal: 'SIGKILL' as const } : {}),
    cwd: opts.cwd ?? ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...(opts.env ?? {}) },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = 'kube-netlint-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function sharedAvailable(): boolean {
  return existsSync(CORPUS);
}

/** Says loudly that a test was skipped, so a bare clone does not pass silently. */
export function skipNotice(what: string): void {
  console.log(`\n  SKIPPED: ${what}: ${SHARED} is absent (a bare clone); CI has it.`);
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
