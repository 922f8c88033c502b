import { pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity,
  DiagnosticTag,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  type Range,
} from 'vscode-languageserver/node';
import type { Finding, Severity } from '../engine/types';
import type { Region } from '../load/types';
import { rulesDocBase } from '../version';

/** What a code action needs to know about the finding behind a diagnostic. */
export interface DiagnosticData {
  ruleId: string;
  objectId: string | undefined;
  fix?: { description: string; range: Range; text: string };
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  // A note is information, not a hint: hints are drawn faintly or not at all by most editors.
  note: DiagnosticSeverity.Information,
};

/**
 * A 1-based region with an exclusive end column, in UTF-16 code units (the loader's, as SARIF's),
 * as a 0-based LSP range: the same units LSP requires by default.
 */
export function toRange(r: Region): Range {
  return {
    start: { line: r.startLine - 1, character: r.startColumn - 1 },
    end: { line: r.endLine - 1, character: r.endColumn - 1 },
  };
}

export function fileUri(abs: string): string {
  return pathToFileURL(abs).href;
}

function tagsOf(ruleId: string): DiagnosticTag[] | undefined {
  // A directive that suppresses nothing is unnecessary text; a removed API version is deprecated.
  if (ruleId === 'unused-disable-directive') return [DiagnosticTag.Unnecessary];
  if (ruleId === 'api-version-removed') return [DiagnosticTag.Deprecated];
  return undefined;
}

export function toDiagnostic(f: Finding): Diagnostic {
  const base = rulesDocBase();
  const related: DiagnosticRelatedInformation[] = f.related
    .filter((r) => r.location.absPath !== undefined)
    .map((r) => ({
      location: { uri: fileUri(r.location.absPath as string), range: toRange(r.location.region) },
      message: r.message,
    }));
  const data: DiagnosticData = { ruleId: f.ruleId, objectId: f.object?.id };
  // A fix replaces text of the file the finding is in; not offered when the finding was moved to
  // another file (a kustomize origin, a Helm template).
  if (f.fix && !f.location.rendered)
    data.fix = { description: f.fix.description, range: toRange(f.fix.region), text: f.fix.text };
  const tags = tagsOf(f.ruleId);
  return {
    range: toRange(f.location.region),
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    ...(base ? { codeDescription: { href: `${base}/${f.ruleId}.md` } } : {}),
    source: 'kube-netlint',
    message: f.message,
    ...(related.length ? { relatedInformation: related } : {}),
    ...(tags ? { tags } : {}),
    data,
  };
}

/**
 * Diagnostics per file (absolute path) for the findings that are not suppressed: suppressed
 * findings stay out of the editor as they stay out of the CLI's exit code.
 */
export function diagnosticsByFile(findings: readonly Finding[]): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  for (const f of findings) {
    if (f.suppressions.length || f.location.absPath === undefined) continue;
    const list = out.get(f.location.absPath) ?? [];
    list.push(toDiagnostic(f));
    out.set(f.location.absPath, list);
  }
  return out;
}
