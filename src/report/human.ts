import type { Finding, Severity } from '../engine/types';
import { safeLines, safeText } from './safe-text';
import { countFindings, plural, type RunStats } from './summary';

export interface HumanOptions {
  color: boolean;
}

const CODES = { red: 31, yellow: 33, blue: 34, dim: 2, bold: 1, green: 32, underline: 4 } as const;
type Style = keyof typeof CODES;

function paint(on: boolean, style: Style, text: string): string {
  return on ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text;
}

const SEVERITY_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', note: 'blue' };

/**
 * `path:line:col  severity  message  rule-id`, one finding a line, grouped by file (so editors and
 * terminals can jump to the location), then a summary. Suppressed findings are left out.
 */
export function formatHuman(findings: readonly Finding[], stats: RunStats, opts: HumanOptions): string {
  const c = opts.color;
  const shown = findings.filter((f) => f.suppressions.length === 0);
  const lines: string[] = [];
  let lastFile: string | undefined;
  for (const f of shown) {
    if (lastFile !== undefined && f.location.file !== lastFile) lines.push('');
    lastFile = f.location.file;
    const r = f.location.rendered;
    const where = r
      ? `${r.file}:${r.region.startLine}:${r.region.startColumn} (${f.location.file})`
      : f.location.file
        ? `${f.location.file}:${f.location.region.startLine}:${f.location.region.startColumn}`
        : '(kube-netlint)';
    const sev = paint(c, SEVERITY_STYLE[f.severity], f.severity.padEnd(7));
    // Paths and messages carry input: sanitized before any colour of ours is added.
    const at = paint(c, 'bold', safeLines(where));
    lines.push(`${at}  ${sev}  ${safeText(f.message)}  ${paint(c, 'dim', f.ruleId)}`);
  }
  const n = countFindings(findings);
  const total = n.error + n.warning + n.note;
  const scope = `${plural(stats.objects, 'object')}, ${plural(stats.files, 'file')}`;
  const suppressed = n.suppressed ? `; ${n.suppressed} suppressed` : '';
  if (lines.length) lines.push('');
  if (total === 0) {
    lines.push(paint(c, 'green', `✔ no problems`) + ` (${scope}${suppressed})`);
  } else {
    const parts = `${plural(n.error, 'error')}, ${plural(n.warning, 'warning')}, ${plural(n.note, 'note')}`;
    const style: Style = n.error ? 'red' : n.warning ? 'yellow' : 'blue';
    lines.push(paint(c, style, `✖ ${plural(total, 'problem')}`) + ` (${parts}) in ${scope}${suppressed}`);
    lines.push(paint(c, 'dim', `  Explain a rule with: kube-netlint explain <rule-id>`));
  }
  return lines.join('\n') + '\n';
}
