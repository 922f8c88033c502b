/**
 * Kubernetes decodes YAML with go-yaml, which accepts two forms that the `yaml` package (and the
 * YAML spec) reject, and that real manifests use:
 *   - tabs in the indentation of lines inside a flow collection (`args: [\n\t"-jar",`);
 *   - a closing `]`, `}` or `]'` line of a multi-line flow collection or quoted JSON string that is
 *     indented less than its content (`config: '{\n    "a": 1\n  }'`).
 * Inside flow collections and quoted scalars leading whitespace carries no meaning (quoted scalars
 * fold it away), so re-indenting those lines does not change the value. We only try this after a
 * parse failed, and keep it only when it makes the failure go away.
 *
 * Returns the repaired text, or undefined when there was nothing to repair. Line numbers are
 * unchanged; columns on re-indented lines shift by the added spaces.
 *
 * Re-indenting copies the previous indentation onto each following line, so one deeply indented
 * line followed by many short ones would multiply the file (a 1 MB input grew past the heap). Real
 * repairs add a few spaces to a few lines: the repair gives up once it would add more than the
 * file's own size.
 */
export function repairGoYamlLeniency(text: string): string | undefined {
  const lines = text.split('\n');
  let changed = false;
  let prevIndent = 0;
  let added = 0;
  const budget = text.length;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] as string;
    const lead = /^[ \t]*/.exec(line)?.[0] ?? '';
    if (lead.includes('\t')) {
      // go-yaml reads the tab as separation, not indentation: keep the line at least as indented
      // as the one before it.
      const width = Math.max(lead.length, prevIndent);
      added += width - lead.length;
      if (added > budget) return undefined;
      line = ' '.repeat(width) + line.slice(lead.length);
      changed = true;
    }
    const indent = /^ */.exec(line)?.[0].length ?? 0;
    const rest = line.slice(indent);
    if (rest.trim() === '' || rest.startsWith('#')) {
      lines[i] = line;
      continue;
    }
    if (/^[\]}]/.test(rest) && indent < prevIndent) {
      added += prevIndent - indent;
      if (added > budget) return undefined;
      line = ' '.repeat(prevIndent) + rest;
      changed = true;
    }
    prevIndent = /^ */.exec(line)?.[0].length ?? 0;
    lines[i] = line;
  }
  return changed ? lines.join('\n') : undefined;
}
