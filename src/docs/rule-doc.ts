import type { RuleMeta } from '../engine/types';

/** The rule's documentation as Markdown: the single source for `explain`, SARIF help and docs/rules. */
export function ruleMarkdown(meta: RuleMeta): string {
  const d = meta.docs;
  const parts = [
    `# ${meta.id}`,
    '',
    `**Default severity:** ${meta.severity} · **Tags:** ${meta.tags.join(', ')}`,
    '',
    `## What it flags`,
    '',
    meta.details,
    '',
    `## Why it matters`,
    '',
    d.why,
  ];
  if (d.symptoms.length) {
    parts.push('', `## What you see at run time`, '', ...d.symptoms.map((s) => `- \`${s}\``));
  }
  parts.push('', `## How to fix`, '', d.fix);
  if (d.example.bad) {
    parts.push('', `## Example`, '', 'Flagged:', '', '```yaml', d.example.bad.trimEnd(), '```');
    if (d.example.good) parts.push('', 'Fixed:', '', '```yaml', d.example.good.trimEnd(), '```');
  }
  parts.push(
    '',
    `## Configuration`,
    '',
    'Change its severity or turn it off in `.kube-netlint.yaml`:',
    '',
    '```yaml',
    `rules:`,
    `  ${meta.id}: warning   # off | note | warning | error`,
    '```',
    '',
    `Or suppress one finding with \`# kube-netlint-disable-next-line ${meta.id} -- reason\` above the line.`,
  );
  return parts.join('\n') + '\n';
}

/** The same documentation as plain text for terminals. */
export function ruleText(meta: RuleMeta): string {
  return ruleMarkdown(meta)
    .replace(/^#+ /gm, '')
    .replace(/\*\*/g, '')
    .replace(/^```\w*\n?/gm, '')
    .replace(/`/g, '');
}
