// The generic rule tester: every rule runs over fixtures/<rule-id>/. A fixture states the findings
// it must produce with comments: `# expect: rule-id` at the end of the line the finding must start
// on (or alone on the line before it), optionally `rule-id/severity` and a quoted message fragment.
// A fixture without expectations must produce no finding of that rule. A sub-folder is one input
// of several files (cross-file cases).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RULES } from '../rules/index';
import { FIXTURES, lintTexts } from './helpers';

interface Expectation {
  file: string;
  line: number;
  rule: string;
  severity: string | undefined;
  fragment: string | undefined;
}

const EXPECT = /#\s*expect:\s*([a-z0-9-]+)(?:\/(error|warning|note))?(?:\s+"([^"]*)")?/;

function expectationsOf(file: string, text: string): Expectation[] {
  const out: Expectation[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const m = EXPECT.exec(line);
    if (!m) return;
    let target = i + 1;
    if (line.slice(0, m.index).trim() === '') {
      // A comment alone on its line: the expectation is for the next line that is not a comment.
      let j = i + 1;
      while (j < lines.length && /^\s*#/.test(lines[j] as string)) j++;
      target = j + 1;
    }
    out.push({ file, line: target, rule: m[1] as string, severity: m[2], fragment: m[3] });
  });
  return out;
}

function readCase(entry: string): Record<string, string> {
  if (!statSync(entry).isDirectory()) return { [path.basename(entry)]: readFileSync(entry, 'utf8') };
  const files: Record<string, string> = {};
  for (const name of readdirSync(entry).sort()) {
    // The config's own findings point at a file named like the config; manifests are read as given.
    files[name] = readFileSync(path.join(entry, name), 'utf8');
  }
  return files;
}

const key = (file: string, line: number, rule: string): string => `${file}:${line} ${rule}`;

for (const rule of RULES) {
  const id = rule.meta.id;
  if (id === 'internal-error') continue;
  const t = suite(`rule ${id}`);
  const dir = path.join(FIXTURES, id);
  const entries = (() => {
    try {
      return readdirSync(dir)
        .filter((n) => !n.startsWith('.') && n !== 'README.md')
        .map((n) => path.join(dir, n));
    } catch {
      return [];
    }
  })();

  t('has fixtures that trigger it and fixtures that must not', () => {
    let triggering = 0;
    let clean = 0;
    for (const entry of entries) {
      const files = readCase(entry);
      const n = Object.entries(files)
        .flatMap(([f, text]) => expectationsOf(f, text))
        .filter((e) => e.rule === id).length;
      if (n > 0) triggering++;
      else clean++;
    }
    assert.ok(triggering > 0, `fixtures/${id}/ needs a fixture with '# expect: ${id}'`);
    assert.ok(clean > 0, `fixtures/${id}/ needs a clean fixture (no expectations) that must not trigger it`);
  });

  for (const entry of entries) {
    const name = path.basename(entry);
    t(name, () => {
      const files = readCase(entry);
      const expected = Object.entries(files)
        .flatMap(([f, text]) => expectationsOf(f, text))
        .filter((e) => e.rule === id);
      // A case folder may carry its own .kube-netlint.yaml (cluster facts such as CIDRs).
      const { ['.kube-netlint.yaml']: configText, ...manifests } = files;
      const findings = lintTexts(manifests, configText === undefined ? {} : { configText }).filter(
        (f) => f.ruleId === id && f.suppressions.length === 0,
      );
      const got = findings.map((f) => key(f.location.file, f.location.region.startLine, f.ruleId)).sort();
      const want = expected.map((e) => key(e.file, e.line, e.rule)).sort();
      assert.equal(
        got,
        want,
        `findings of ${id} in fixtures/${id}/${name}:\n${findings.map((f) => `  ${f.location.file}:${f.location.region.startLine} ${f.message}`).join('\n')}`,
      );
      for (const e of expected) {
        const f = findings.find((x) => x.location.file === e.file && x.location.region.startLine === e.line);
        if (!f) continue;
        if (e.severity) assert.is(f.severity, e.severity, `severity at ${e.file}:${e.line}`);
        if (e.fragment)
          assert.ok(
            f.message.includes(e.fragment),
            `message at ${e.file}:${e.line} lacks "${e.fragment}": ${f.message}`,
          );
      }
    });
  }
  t.run();
}
