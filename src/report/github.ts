import type { Finding, Severity } from '../engine/types';
import { escapeControls } from './safe-text';
import { repoPath } from './repo-path';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', note: 'notice' };

// Workflow command escaping, as the GitHub Actions toolkit does it, after control characters other
// than line breaks are shown escaped (an ESC would colour or rewrite the log).
function escapeData(s: string): string {
  return s
    .replace(/[^\r\n]+/g, escapeControls)
    .replace(/%/g, '%25')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * GitHub Actions workflow commands: one annotation per unsuppressed finding. Files are named
 * relative to the repository root (`root`), as GitHub resolves them and as SARIF does; columns are
 * given only for a range on one line, the only case GitHub applies them.
 */
export function formatGithub(findings: readonly Finding[], root: string): string {
  const lines: string[] = [];
  for (const f of findings) {
    if (f.suppressions.length) continue;
    // Annotations need a file in the repository: the chart template, when the input was rendered.
    const r = f.location.region;
    const file = f.location.file ? repoPath(f.location, root) : undefined;
    const title = `title=${escapeProperty(`kube-netlint ${f.ruleId}`)}`;
    const props = file
      ? [
          `file=${escapeProperty(file)}`,
          `line=${r.startLine}`,
          ...(r.startLine === r.endLine ? [`col=${r.startColumn}`] : []),
          `endLine=${r.endLine}`,
          ...(r.startLine === r.endLine ? [`endColumn=${r.endColumn}`] : []),
          title,
        ]
      : [title];
    lines.push(`::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(f.message)}`);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
