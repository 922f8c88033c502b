// Issue #14, item 4: a name from the input cannot become a clickable link in a SARIF viewer.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, tempDir } from './helpers';

const LINK =
  '[Apply the fix](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D)';
const MANIFESTS =
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: "${LINK}"\nspec:\n  selector: {app: nothing}\n  ports: [{port: 80}]\n---\n` +
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\nspec:\n  selector: {matchLabels: {app: b}}\n  template: {metadata: {labels: {app: b}}}\n`;

/** Where a SARIF plain-text message would open an embedded link: an unescaped `[`, or any `](`. */
function linkOpeners(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '[') found.push(`unescaped [ at ${i}`);
  }
  if (text.includes('](')) found.push('](');
  return found;
}

const unescape = (s: string) => s.replace(/\\([\\[\]()])/g, '$1');

interface SarifLog {
  runs: {
    results: {
      ruleId: string;
      level: string;
      message: { text: string };
      relatedLocations?: { message: { text: string } }[];
    }[];
  }[];
}

const t = suite('hostile input: SARIF messages');

t('brackets from a name are escaped in every message, and the name is reported', () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'app.yaml'), MANIFESTS);
  const r = runCli(['app.yaml', '-f', 'sarif'], { cwd: dir });
  assert.is(r.status, 1, r.stderr);
  const log = JSON.parse(r.stdout) as SarifLog;
  const results = log.runs[0]!.results;
  const messages = results.flatMap((x) => [
    x.message.text,
    ...(x.relatedLocations ?? []).map((l) => l.message.text),
  ]);
  assert.ok(
    messages.some((m) => unescape(m).includes(LINK)),
    'the name is still readable',
  );
  for (const m of messages) assert.equal(linkOpeners(m), [], m);
  const invalid = results.find((x) => x.ruleId === 'object-name-invalid');
  assert.ok(invalid, 'the name is reported as invalid');
  assert.is(invalid!.level, 'error');
});

t('our own parentheses stay as they are', () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'app.yaml'), MANIFESTS.replace(`"${LINK}"`, 'web'));
  const r = runCli(['app.yaml', '-f', 'sarif'], { cwd: dir });
  const log = JSON.parse(r.stdout) as SarifLog;
  const text = log.runs[0]!.results[0]!.message.text;
  assert.not.match(text, /\\/, text);
});

t.run();
