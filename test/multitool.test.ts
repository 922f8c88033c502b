// Microsoft's SARIF Multitool, with GitHub's ingestion rules (--rule-kind "Sarif;Gh"), over the SARIF
// kube-netlint writes for the examples, every fixture, helm output and the corpus. The multitool
// exits 0 even when it finds errors, so its own SARIF output is read. .ci/run installs it and sets
// SARIF_MULTITOOL; elsewhere the test says it was skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CORPUS, ROOT, runCli, sharedAvailable, tempDir } from './helpers';

const candidates = [
  process.env['SARIF_MULTITOOL'],
  path.join(
    homedir(),
    '.cache',
    'kube-netlint-ci-tools',
    'node_modules',
    '@microsoft',
    'sarif-multitool-linux',
    'Sarif.Multitool',
  ),
].filter((p): p is string => !!p);
const tool = candidates.find((p) => existsSync(p));

const m = suite('SARIF Multitool (Sarif;Gh rules)');

if (!tool) {
  m('multitool', () =>
    console.log(
      '\n  SKIPPED: SARIF Multitool validation: the multitool is not installed (.ci/run installs it).',
    ),
  );
} else {
  const inputs: [string, string[], string | undefined][] = [
    ['examples', ['examples'], undefined],
    ['fixtures', ['fixtures'], undefined],
    ['helm', ['-'], readFileSync(path.join(ROOT, 'test', 'data', 'helm-rendered.yaml'), 'utf8')],
    // A run that failed on its configuration still writes SARIF (exit 2).
    ['config-error', ['examples', '--rule', 'no-such-rule=off'], undefined],
  ];
  if (sharedAvailable()) inputs.push(['corpus', [CORPUS], undefined]);
  for (const [name, args, input] of inputs) {
    m(`${name}: no error-level result`, () => {
      const dir = tempDir();
      const sarif = path.join(dir, `${name}.sarif`);
      const r = runCli([...args, '--no-config', '-f', 'sarif'], { ...(input ? { input } : {}) });
      assert.ok(r.status === 0 || r.status === 1 || (name === 'config-error' && r.status === 2), r.stderr);
      writeFileSync(sarif, r.stdout);
      const out = path.join(dir, `${name}.validation.sarif`);
      const v = spawnSync(tool, ['validate', '--rule-kind', 'Sarif;Gh', sarif, '--output', out], {
        encoding: 'utf8',
        timeout: 300_000,
      });
      assert.ok(existsSync(out), `the multitool wrote no report: ${v.stdout}${v.stderr}`);
      const log = JSON.parse(readFileSync(out, 'utf8')) as {
        runs: {
          results?: {
            level?: string;
            ruleId: string;
            message: { id?: string; text?: string; arguments?: string[] };
          }[];
        }[];
      };
      const errors = (log.runs[0]?.results ?? []).filter((x) => (x.level ?? 'warning') === 'error');
      assert.equal(
        errors.map(
          (e) =>
            `${e.ruleId} ${e.message.text ?? `${e.message.id} ${(e.message.arguments ?? []).join(' ')}`}`,
        ),
        [],
      );
    });
  }
}

m.run();
