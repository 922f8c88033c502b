import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { collectionKeyOffset, duplicateKeyOffset, flowTooDeep, MAX_FLOW_DEPTH } from '../load/yaml-keys';
import { compileGlob, GlobError } from '../util/glob';
import type { ErrorObject } from 'ajv';
import configSchema from '../../schemas/config.schema.json';
import { didYouMean } from '../util/suggest';
import { asRecord, asString, asStringMap, isRecord } from '../util/values';
import { defaultConfig, type Config, type FailOn, type SeveritySetting } from './types';

export const CONFIG_NAMES = ['.kube-netlint.yaml', '.kube-netlint.yml'];

/** A configuration problem: one line for the user, exit code 2. */
export class ConfigError extends Error {}

/** The nearest config file in `dir` or one of its parents. */
export function findConfig(dir: string): string | undefined {
  let current = path.resolve(dir);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const candidate = path.join(current, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

function formatAjvError(e: ErrorObject): string {
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(top level)';
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty?: string }).additionalProperty ?? '';
    // With `verbose`, ajv hands over the schema of the object: its keys are the candidates.
    const keys = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
    return `${where === '(top level)' ? '' : where + '.'}${extra}: unknown key${didYouMean(extra, keys)}`;
  }
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    return `${where}: must be one of ${allowed.map(String).join(', ')}`;
  }
  return `${where}: ${e.message ?? 'invalid'}`;
}

/**
 * Reads and validates a config file. `knownRules` catches typos in rule ids, which a schema alone
 * cannot (the rule list is code).
 */
export function loadConfig(file: string, knownRules: ReadonlySet<string>): Config {
  const shown = path.relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config ${shown}: ${(e as Error).message}`);
  }
  let raw: unknown;
  // logLevel 'error': the yaml package would otherwise print warnings that quote the file (an
  // unresolved tag, a stringified key) where the GitHub runner reads workflow commands.
  if (flowTooDeep(text))
    throw new ConfigError(`config ${shown}: flow collections nested more than ${MAX_FLOW_DEPTH} levels deep`);
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  const syntax = doc.errors[0];
  if (syntax)
    throw new ConfigError(`config ${shown} is not valid YAML: ${syntax.message.split('\n')[0] ?? ''}`);
  // Checked here in linear time; yaml's uniqueKeys compares every key with every other.
  if (duplicateKeyOffset(doc, false) !== undefined)
    throw new ConfigError(`config ${shown} is not valid YAML: Map keys must be unique`);
  if (collectionKeyOffset(doc) !== undefined)
    throw new ConfigError(`config ${shown}: a key is a mapping or a list; keys must be plain strings`);
  try {
    raw = doc.toJS() ?? {};
  } catch (e) {
    throw new ConfigError(`config ${shown} is not valid YAML: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
  // Loaded lazily: ajv costs startup time that runs without a config do not need to pay.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const AjvCtor = (require('ajv') as typeof import('ajv')).default;
  const ajv = new AjvCtor({ allErrors: false, strict: false, verbose: true });
  // 'warn' is what ESLint and most linters call a warning: accept it for severities and failOn.
  const rawObj = asRecord(raw);
  if (rawObj) {
    const rawRules = asRecord(rawObj['rules']);
    for (const [id, level] of Object.entries(rawRules ?? {})) if (level === 'warn') rawRules![id] = 'warning';
    if (rawObj['failOn'] === 'warn') rawObj['failOn'] = 'warning';
  }
  const validate = ajv.compile(configSchema as object);
  if (!validate(raw)) {
    const first = validate.errors?.[0];
    throw new ConfigError(`config ${shown}: ${first ? formatAjvError(first) : 'invalid'}`);
  }
  const obj = asRecord(raw) ?? {};
  const config = defaultConfig(path.dirname(file));
  config.file = file;
  const rules = asRecord(obj['rules']) ?? {};
  for (const [id, level] of Object.entries(rules)) {
    if (!knownRules.has(id))
      throw new ConfigError(
        `config ${shown}: rules.${id}: unknown rule${didYouMean(id, knownRules) || " (see 'kube-netlint rules')"}`,
      );
    config.rules[id] = level as SeveritySetting;
  }
  config.ignore = (obj['ignore'] as string[] | undefined) ?? [];
  const checkGlob = (where: string, pattern: string | undefined): void => {
    if (pattern === undefined) return;
    try {
      compileGlob(pattern);
    } catch (e) {
      if (e instanceof GlobError) throw new ConfigError(`config ${shown}: ${where}: ${e.message}`);
      throw e;
    }
  };
  config.ignore.forEach((p, i) => checkGlob(`ignore.${i}`, p));
  config.context = (obj['context'] as string[] | undefined) ?? [];
  config.ignoreFindings = ((obj['ignoreFindings'] as unknown[] | undefined) ?? []).map((v, i) => {
    const r = asRecord(v) ?? {};
    const rule = asString(r['rule']);
    if (rule !== undefined && rule !== '*' && !knownRules.has(rule)) {
      throw new ConfigError(
        `config ${shown}: ignoreFindings.${i}.rule: unknown rule '${rule}'${didYouMean(rule, knownRules)}`,
      );
    }
    checkGlob(`ignoreFindings.${i}.file`, asString(r['file']));
    return {
      rule,
      kind: asString(r['kind']),
      namespace: asString(r['namespace']),
      name: asString(r['name']),
      file: asString(r['file']),
      reason: asString(r['reason']),
    };
  });
  config.namespace = asString(obj['namespace']) ?? config.namespace;
  config.failOn = (asString(obj['failOn']) as FailOn | undefined) ?? config.failOn;
  const cluster = asRecord(obj['cluster']) ?? {};
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  config.cluster.podCIDRs = strings(cluster['podCIDRs']);
  config.cluster.serviceCIDRs = strings(cluster['serviceCIDRs']);
  config.cluster.nodeCIDRs = strings(cluster['nodeCIDRs']);
  const range = asString(cluster['nodePortRange']);
  if (range) {
    const [min, max] = range.split('-').map(Number) as [number, number];
    if (!(min >= 1 && max <= 65535 && min <= max)) {
      throw new ConfigError(`config ${shown}: cluster.nodePortRange: '${range}' is not a range of ports`);
    }
    config.cluster.nodePortRange = { min, max };
  }
  const ic = asRecord(cluster['ingressController']);
  if (ic)
    config.cluster.ingressController = {
      namespace: asString(ic['namespace']) ?? '',
      podLabels: asStringMap(ic['podLabels']),
    };
  const dns = asRecord(cluster['dns']);
  if (dns) {
    config.cluster.dns = {
      namespace: asString(dns['namespace']) ?? config.cluster.dns.namespace,
      podLabels: isRecord(dns['podLabels']) ? asStringMap(dns['podLabels']) : config.cluster.dns.podLabels,
      serviceIP: asString(dns['serviceIP']),
      nodeLocalIP: asString(dns['nodeLocalIP']),
      clusterDomain: asString(dns['clusterDomain']),
    };
  }
  config.pods = ((obj['pods'] as unknown[] | undefined) ?? []).map((v, index) => {
    const r = asRecord(v) ?? {};
    return { namespace: asString(r['namespace']), labels: asStringMap(r['labels']), index };
  });
  return config;
}
