import { createHash } from 'node:crypto';
import type { Config, SeveritySetting } from '../config/types';
import { placeholderIn, placeholderWithin } from '../load/placeholder';
import { regionOf } from '../load/region';
import { asRecord } from '../util/values';
import type { FieldPath, SourceFile } from '../load/types';
import type { Model } from '../model/model';
import type { KObject } from '../model/object';
import { Suppressor } from './suppress';
import type {
  FileReport,
  Finding,
  FindingRelated,
  Location,
  ObjectReport,
  Rule,
  RuleContext,
  Severity,
} from './types';

/** Renders a field path as people write it: `spec.ports[0].targetPort`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else out += out === '' ? step : /^[A-Za-z_][\w-]*$/.test(step) ? `.${step}` : `["${step}"]`;
  }
  return out;
}

export function locationOf(object: KObject, path: FieldPath): Location {
  const here = {
    file: object.doc.file.path,
    absPath: object.doc.file.absPath,
    region: regionOf(object.doc, path),
  };
  const template = object.doc.renderedFrom;
  if (!template) return here;
  // Rendered lines do not map back to template lines: the template is named, its first line pointed at.
  return {
    file: template,
    absPath: undefined,
    region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
    rendered: here,
  };
}

export interface EngineOptions {
  rules: readonly Rule[];
  /** Severity per rule from config and command line; rules not listed run at their default. */
  severities: Readonly<Record<string, SeveritySetting>>;
  config: Config;
  /** Every rule id there is, to tell a misspelt id in a suppression comment; default: `rules`. */
  knownRuleIds?: ReadonlySet<string>;
}

/** Emitted by the engine once the other rules ran (rules/input/unused-disable-directive.ts). */
const UNUSED_DIRECTIVE = 'unused-disable-directive';

export interface EngineResult {
  findings: Finding[];
  /** Milliseconds each rule took (with the regions of its findings). */
  timings: Record<string, number>;
  /** Rules that threw: reported as findings of `internal-error`, never as a crash. */
  crashed: string[];
}

/** The rule whose notes stand for findings dropped because they depend on placeholders. */
export const PLACEHOLDER_RULE = 'unresolved-placeholder';

/**
 * The placeholder a report depends on: in the reported value (or anything under it), in the
 * object's name or namespace, or quoted in the message. Undefined when the report stands on its own.
 */
function placeholderOf(r: ObjectReport): string | undefined {
  const meta = asRecord(r.object.raw['metadata']);
  const identity = placeholderWithin([meta?.['name'], meta?.['namespace']]);
  if (identity) return identity;
  // A report with a region points at one token of an embedded file (a Corefile line): the rule judged
  // that token's placeholders itself, and the rest of the file (CoreDNS's own {{ .Name }} templates) is
  // not what the finding depends on.
  if (r.region) return placeholderIn(r.message);
  let value: unknown = r.object.raw;
  let key: string | number | undefined;
  for (const step of r.path) {
    if (value === null || typeof value !== 'object') break;
    value = (value as Record<string | number, unknown>)[step];
    key = step;
  }
  return placeholderWithin(value, key) ?? placeholderIn(r.message);
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Runs every enabled rule over the model and turns their reports into located findings. */
export function runRules(model: Model, options: EngineOptions): EngineResult {
  const suppressor = new Suppressor(
    options.config.ignoreFindings,
    options.config.file,
    options.config.baseDir,
  );
  const findings: Finding[] = [];
  const crashed: string[] = [];
  const timings: Record<string, number> = {};
  const occurrences = new Map<string, number>();
  // Per object: the first placeholder a dropped finding depended on, where, and how many were dropped.
  const skipped = new Map<KObject, { placeholder: string; path: FieldPath; rules: Set<string> }>();

  const fingerprint = (ruleId: string, anchor: string, path: string, message: string): string => {
    // No line numbers: the fingerprint must survive edits elsewhere in the file. A counter tells
    // apart identical findings on the same anchor.
    const base = hash(`${ruleId}\u0000${anchor}\u0000${path}\u0000${message}`);
    const n = (occurrences.get(base) ?? 0) + 1;
    occurrences.set(base, n);
    return `${base}:${n}`;
  };

  for (const rule of options.rules) {
    const setting = options.severities[rule.meta.id];
    if (setting === 'off') continue;
    const severityFor = (reported: Severity | undefined): Severity =>
      setting ?? reported ?? rule.meta.severity;
    const suppress = (
      obj: KObject | undefined,
      file: SourceFile | undefined,
      absPath: string | undefined,
      line: number,
    ) =>
      [
        suppressor.fromAnnotation(obj, rule.meta.id),
        suppressor.fromComments(file, line, rule.meta.id),
        suppressor.fromConfig(obj, absPath, rule.meta.id),
      ].filter((s) => s !== undefined);

    const ctx: RuleContext = {
      model,
      cluster: options.config.cluster,
      report(r: ObjectReport): void {
        const placeholder = placeholderOf(r);
        if (placeholder !== undefined) {
          const seen = skipped.get(r.object) ?? { placeholder, path: r.path, rules: new Set<string>() };
          seen.rules.add(rule.meta.id);
          skipped.set(r.object, seen);
          return;
        }
        const location = locationOf(r.object, r.path);
        if (r.region) {
          if (location.rendered) location.rendered.region = r.region;
          else location.region = r.region;
        }
        const related: FindingRelated[] = (r.related ?? []).map((rel) => ({
          location: locationOf(rel.object, rel.path),
          message: rel.message,
          objectId: rel.object.id,
        }));
        const path = formatPath(r.path);
        findings.push({
          ruleId: rule.meta.id,
          severity: severityFor(r.severity),
          message: r.message,
          location,
          object: {
            id: r.object.id,
            kind: r.object.kind,
            namespace: r.object.namespace,
            name: r.object.name,
          },
          path: path || undefined,
          related,
          suppressions: suppress(
            r.object,
            r.object.doc.file,
            r.object.doc.file.absPath,
            (location.rendered ?? location).region.startLine,
          ),
          fingerprint: fingerprint(rule.meta.id, r.object.id, path, r.message),
          fix: r.fix
            ? { description: r.fix.description, region: location.region, text: r.fix.replacement }
            : undefined,
        });
      },
      reportFile(r: FileReport): void {
        const location: Location = { file: r.file, absPath: r.absPath, region: r.region };
        findings.push({
          ruleId: rule.meta.id,
          severity: severityFor(r.severity),
          message: r.message,
          location,
          object: undefined,
          path: undefined,
          related: [],
          suppressions: suppress(undefined, undefined, r.absPath, r.region.startLine),
          fingerprint: fingerprint(rule.meta.id, r.file, '', r.message),
        });
      },
    };
    const started = performance.now();
    try {
      rule.check(ctx);
      timings[rule.meta.id] = performance.now() - started;
    } catch (e) {
      // A rule must never take the run down with it; the user gets one clear finding instead.
      crashed.push(rule.meta.id);
      findings.push({
        ruleId: 'internal-error',
        severity: 'error',
        message: `rule ${rule.meta.id} failed on this input and was skipped (${e instanceof Error ? e.message : String(e)}); please report it`,
        location: {
          file: '',
          absPath: undefined,
          region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
        },
        object: undefined,
        path: undefined,
        related: [],
        suppressions: [],
        fingerprint: fingerprint('internal-error', rule.meta.id, '', ''),
      });
    }
  }
  const placeholderSetting = options.severities[PLACEHOLDER_RULE];
  if (placeholderSetting !== 'off') {
    for (const [object, { placeholder, path, rules }] of skipped) {
      const location = locationOf(object, path);
      const message =
        `${object.kind} ${object.name} depends on the unresolved placeholder ${placeholder}, filled in before apply ` +
        `(Flux substitution, envsubst, kustomize vars or a template): skipped ${[...rules].sort().join(', ')} here. ` +
        `Lint the substituted output to check it.`;
      const at = (location.rendered ?? location).region.startLine;
      findings.push({
        ruleId: PLACEHOLDER_RULE,
        severity: placeholderSetting ?? 'note',
        message,
        location,
        object: { id: object.id, kind: object.kind, namespace: object.namespace, name: object.name },
        path: formatPath(path) || undefined,
        related: [],
        suppressions: [
          suppressor.fromAnnotation(object, PLACEHOLDER_RULE),
          suppressor.fromComments(object.doc.file, at, PLACEHOLDER_RULE),
          suppressor.fromConfig(object, object.doc.file.absPath, PLACEHOLDER_RULE),
        ].filter((x) => x !== undefined),
        fingerprint: fingerprint(PLACEHOLDER_RULE, object.id, '', placeholder),
      });
    }
  }
  const directives = options.rules.find((r) => r.meta.id === UNUSED_DIRECTIVE);
  const directiveSetting = options.severities[UNUSED_DIRECTIVE];
  if (directives && directiveSetting !== 'off') {
    const ran = new Set(options.rules.map((r) => r.meta.id).filter((id) => options.severities[id] !== 'off'));
    const known = options.knownRuleIds ?? new Set(options.rules.map((r) => r.meta.id));
    const files = new Set<SourceFile>(model.objects.map((o) => o.doc.file));
    for (const p of suppressor.directiveProblems(files, ran, known)) {
      const region = { startLine: p.line, startColumn: p.column, endLine: p.line, endColumn: p.endColumn };
      findings.push({
        ruleId: UNUSED_DIRECTIVE,
        severity: directiveSetting ?? directives.meta.severity,
        message: p.message,
        location: { file: p.file.path, absPath: p.file.absPath, region },
        object: undefined,
        path: undefined,
        related: [],
        suppressions: [suppressor.fromConfig(undefined, p.file.absPath, UNUSED_DIRECTIVE)].filter(
          (x) => x !== undefined,
        ),
        fingerprint: fingerprint(UNUSED_DIRECTIVE, p.file.path, '', p.message),
      });
    }
  }
  findings.sort(compareFindings);
  return { findings, crashed, timings };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.location.file, b.location.file) ||
    a.location.region.startLine - b.location.region.startLine ||
    a.location.region.startColumn - b.location.region.startColumn ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
