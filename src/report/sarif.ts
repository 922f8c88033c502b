import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { ruleMarkdown, ruleText } from '../docs/rule-doc';
import type { Finding, Location, RuleMeta, Severity } from '../engine/types';
import { jsonSafe } from './safe-text';

export interface SarifOptions {
  version: string;
  /** Directory that `%SRCROOT%` stands for: the repository root, so URIs are repo-relative. */
  root: string;
  rules: readonly RuleMeta[];
  helpBase: string | undefined;
}

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = {
  error: 'error',
  warning: 'warning',
  note: 'note',
};

function encodePath(rel: string): string {
  return rel.split('/').map(encodeURIComponent).join('/');
}

function artifact(loc: Location, root: string): Sarif.ArtifactLocation {
  if (!loc.absPath) return { uri: encodePath(loc.file || 'stdin') };
  const rel = path.relative(root, loc.absPath);
  // Outside the root: `..` or `../…`, not a name that merely starts with dots (`..data.yaml`).
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
    return { uri: pathToFileURL(loc.absPath).href };
  return { uri: encodePath(rel.split(path.sep).join('/')), uriBaseId: 'SRCROOT' };
}

function physical(loc: Location, root: string): Sarif.PhysicalLocation {
  const r = loc.region;
  return {
    artifactLocation: artifact(loc, root),
    region: {
      startLine: r.startLine,
      startColumn: r.startColumn,
      endLine: r.endLine,
      endColumn: r.endColumn,
    },
  };
}

/**
 * A plain-text SARIF message. SARIF 2.1.0 §3.11.6 gives plain text embedded links, `[text](target)`,
 * which viewers render clickable (the VS Code SARIF Viewer with command: URIs enabled); our messages
 * quote names from the input, and none of our messages means a link. Escaping here, where every
 * message passes, leaves no rule able to forget it: `\`, `[` and `]` get a backslash (the escapes
 * §3.11.6 defines; viewers unescape them), so no link can open. A `(` right after a `]` is escaped
 * too, so that no `](` remains for a viewer whose link pattern ignores the escapes. Other parentheses
 * are left alone: `\(` is no SARIF escape, and viewers would show the backslash in our own prose.
 */
export function sarifText(text: string): string {
  return text.replace(/[\\[\]]/g, (c) => `\\${c}`).replace(/\\\]\(/g, '\\]\\(');
}

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/** A SARIF 2.1.0 log with one run, as GitHub code scanning and the VS Code SARIF Viewer read it. */
export function buildSarif(findings: readonly Finding[], opts: SarifOptions): Sarif.Log {
  const index = new Map(opts.rules.map((r, i) => [r.id, i]));
  const rules: Sarif.ReportingDescriptor[] = opts.rules.map((meta) => ({
    id: meta.id,
    name: pascal(meta.id),
    shortDescription: { text: meta.description },
    fullDescription: { text: meta.details },
    help: { text: ruleText(meta), markdown: ruleMarkdown(meta) },
    ...(opts.helpBase ? { helpUri: `${opts.helpBase}/${meta.id}.md` } : {}),
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: { tags: ['kubernetes', 'networking', ...meta.tags] },
  }));
  const results: Sarif.Result[] = findings.map((f) => {
    const result: Sarif.Result = {
      ruleId: f.ruleId,
      level: LEVEL[f.severity],
      message: { text: sarifText(f.message) },
      locations: f.location.file
        ? [
            {
              physicalLocation: physical(f.location, opts.root),
              ...(f.object
                ? {
                    logicalLocations: [
                      { fullyQualifiedName: f.object.id, name: f.object.name, kind: 'resource' },
                    ],
                  }
                : {}),
            },
          ]
        : [],
      partialFingerprints: { primaryLocationLineHash: f.fingerprint },
    };
    const ruleIndex = index.get(f.ruleId);
    if (ruleIndex !== undefined) result.ruleIndex = ruleIndex;
    const related = [
      ...(f.location.rendered
        ? [{ location: f.location.rendered, message: 'where helm template rendered it' }]
        : []),
      ...f.related.map((r) => ({ location: r.location, message: r.message })),
    ];
    if (related.length) {
      result.relatedLocations = related.map((r, i) => ({
        id: i + 1,
        physicalLocation: physical(r.location, opts.root),
        message: { text: sarifText(r.message) },
      }));
    }
    if (f.fix && f.location.file) {
      const r = f.fix.region;
      result.fixes = [
        {
          description: { text: sarifText(f.fix.description) },
          artifactChanges: [
            {
              artifactLocation: artifact(f.location, opts.root),
              replacements: [
                {
                  deletedRegion: {
                    startLine: r.startLine,
                    startColumn: r.startColumn,
                    endLine: r.endLine,
                    endColumn: r.endColumn,
                  },
                  insertedContent: { text: f.fix.text },
                },
              ],
            },
          ],
        },
      ];
    }
    if (f.suppressions.length) {
      result.suppressions = f.suppressions.map((s) => ({
        kind: s.kind,
        status: 'accepted',
        ...(s.justification ? { justification: s.justification } : {}),
      }));
    }
    return result;
  });
  const rootUri = pathToFileURL(opts.root).href;
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'kube-netlint',
            semanticVersion: opts.version,
            version: opts.version,
            informationUri: opts.helpBase
              ? opts.helpBase.replace(/\/blob\/main\/docs\/rules$/, '')
              : undefined,
            rules,
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: rootUri.endsWith('/') ? rootUri : rootUri + '/' } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatSarif(findings: readonly Finding[], opts: SarifOptions): string {
  return jsonSafe(JSON.stringify(buildSarif(findings, opts), null, 2)) + '\n';
}
