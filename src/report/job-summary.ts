import { SEVERITY_RANK, type Finding } from '../engine/types';
import { repoPath } from './repo-path';
import { countFindings } from './summary';

export interface JobSummaryOptions {
  /** Repository root: files are shown relative to it. */
  root: string;
  /** `https://github.com/owner/repo/blob/<sha>`: file links point there (the pull request head). */
  blobBase: string | undefined;
  /** Rule documentation base URL, for links on rule ids. */
  helpBase: string | undefined;
  sarifFile: string;
  stats: { files: number; objects: number };
  /** Stop listing findings past this many bytes (GitHub refuses a step summary over 1 MiB). */
  maxBytes?: number;
}

/**
 * Markdown-escapes text read from the input (messages quote names and values from manifests): HTML
 * special characters become entities, Markdown punctuation is backslash-escaped, line breaks become
 * spaces, so a value can neither format the summary nor break out of its table cell.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#.!|~:@$]/g, (c) => `\\${c}`);
}

function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

const ICON = { error: 'Error', warning: 'Warning', note: 'Note' } as const;

/**
 * The job summary: counts, then the findings themselves (GitHub shows only ten annotations of each
 * level per step), most severe first, each with its file:line linked to the pull request head.
 */
export function formatJobSummary(findings: readonly Finding[], opts: JobSummaryOptions): string {
  const maxBytes = opts.maxBytes ?? 512 * 1024;
  const n = countFindings(findings);
  const head = [
    '## kube-netlint',
    '',
    `${n.error} errors, ${n.warning} warnings, ${n.note} notes (${n.suppressed} suppressed) in ${opts.stats.objects} objects from ${opts.stats.files} files.`,
    '',
  ];
  const open = findings
    .filter((f) => f.suppressions.length === 0)
    .slice()
    .sort(
      (a, b) =>
        SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
        (a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : 0) ||
        a.location.region.startLine - b.location.region.startLine,
    );
  if (!open.length) return [...head, 'No findings.', ''].join('\n');
  const lines = [...head, '| Severity | Location | Message | Rule |', '|---|---|---|---|'];
  let bytes = Buffer.byteLength(lines.join('\n'));
  let shown = 0;
  for (const f of open) {
    const file = repoPath(f.location, opts.root);
    const line = f.location.region.startLine;
    const where = file
      ? opts.blobBase && f.location.absPath
        ? `[${escapeMarkdown(`${file}:${line}`)}](${opts.blobBase}/${encodePath(file)}#L${line})`
        : escapeMarkdown(`${file}:${line}`)
      : '';
    const rule = opts.helpBase ? `[\`${f.ruleId}\`](${opts.helpBase}/${f.ruleId}.md)` : `\`${f.ruleId}\``;
    const row = `| ${ICON[f.severity]} | ${where} | ${escapeMarkdown(f.message)} | ${rule} |`;
    const size = Buffer.byteLength(row) + 1;
    if (bytes + size > maxBytes) break;
    lines.push(row);
    bytes += size;
    shown++;
  }
  if (shown < open.length) {
    lines.push('', `${open.length - shown} more in the SARIF (${escapeMarkdown(opts.sarifFile)}).`);
  }
  lines.push('');
  return lines.join('\n');
}
