// Runs the command line over every folder of ../shared/corpus and ../shared/corpus2 (manifests
// written by other people) and compares what it reports with test/corpus-expected.txt and
// test/corpus2-expected.txt, where every finding is explained. A new finding there must be a real
// defect, explained in that file; otherwise it is a bug. Corpus 2 holds the hard shapes
// (operators, kustomize, charts, templates, placeholders): its file lists errors and warnings,
// since notes there are by design (what the input cannot prove).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CORPUS, ROOT, SHARED, runCli, sharedAvailable, skipNotice } from './helpers';

interface JsonReport {
  findings: { ruleId: string; severity: string; file: string; region: { startLine: number } }[];
  summary: { files: number; objects: number };
}

function expected(file: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const text = readFileSync(path.join(ROOT, 'test', file), 'utf8');
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const [folder, ...rest] = line.split(/\s+/);
    const list = out.get(folder as string) ?? [];
    list.push(rest.join(' '));
    out.set(folder as string, list);
  }
  return out;
}

function corpusSuite(name: string, dir: string, expectedFile: string, includeNotes: boolean): void {
  const c = suite(name);
  if (!sharedAvailable() || !existsSync(dir)) {
    c(name, () => skipNotice(`${name} tests (${dir} is absent)`));
    c.run();
    return;
  }
  const want = expected(expectedFile);
  const folders = readdirSync(dir).filter((n) => statSync(path.join(dir, n)).isDirectory());
  c('the expectations name only folders that exist', () => {
    for (const folder of want.keys()) assert.ok(folders.includes(folder), `unknown corpus folder ${folder}`);
  });
  for (const folder of folders) {
    c(`${folder}: no crash, and exactly the explained findings`, () => {
      const r = runCli(['--no-config', '-f', 'json'], { cwd: path.join(dir, folder) });
      assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
      assert.not.match(r.stderr, /internal error/);
      const report = JSON.parse(r.stdout) as JsonReport;
      assert.ok(report.summary.files > 0);
      assert.ok(report.findings.every((f) => f.ruleId !== 'internal-error'));
      const got = report.findings
        .filter((f) => includeNotes || f.severity !== 'note')
        .map((f) => `${f.ruleId} ${f.severity} ${f.file}:${f.region.startLine}`)
        .sort();
      assert.equal(got, (want.get(folder) ?? []).sort());
    });
  }
  c.run();
}

corpusSuite('corpus', CORPUS, 'corpus-expected.txt', true);
corpusSuite('corpus2', path.join(SHARED, 'corpus2'), 'corpus2-expected.txt', false);

const k = suite('corpus: whole inputs');
if (!sharedAvailable()) {
  k('corpus', () => skipNotice('corpus tests'));
} else {
  k("kube-linter's dangling-service fixture alone: exactly its two expected reports", () => {
    const r = runCli(['--no-config', '-f', 'json', 'tests/checks/dangling-service.yml'], {
      cwd: path.join(CORPUS, 'kube-linter'),
    });
    const report = JSON.parse(r.stdout) as JsonReport;
    assert.equal(
      report.findings
        .filter((f) => f.ruleId === 'service-selector-no-match')
        .map((f) => `${f.ruleId}:${f.region.startLine}`),
      ['service-selector-no-match:41', 'service-selector-no-match:62'],
    );
  });
  k('the whole corpus as one input, in SARIF, as the pre-stop check runs it', () => {
    const r = runCli(['--no-config', '-f', 'sarif', CORPUS]);
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
    const log = JSON.parse(r.stdout) as { runs: { results: { ruleId: string }[] }[] };
    assert.ok(log.runs[0]!.results.every((x) => x.ruleId !== 'internal-error'));
  });
}
k.run();
