// Hostile single files (issue #14): each at most 1 MB, each once the shape that made a build hang or
// run out of memory. The contract is 5 s and 500 MB per file; figures are printed, never asserted.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const CASES: Record<string, () => string> = {
  // One deep line, then tab-indented lines: the go-yaml repair pass copied the deep indentation.
  'repair-blowup': () => `a: [\n${' '.repeat(400_000)}x,\n` + '\ty,\n'.repeat(150_000) + ']\n',
  // Thousands of syntax errors in one document.
  'many-errors': () => 'a: [\n\tx,\n'.repeat(100_000),
  // Collection keys, which the yaml package stringified with a warning each.
  'collection-keys': () =>
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n' +
    Array.from({ length: 40_000 }, (_, i) => `  ? [k${i}]\n  : v\n`).join(''),
  // Flow collections 10,000 deep: the yaml package aborted the process.
  'deep-flow': () => `a: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
  // One mapping of 60,000 keys on the full parse (a YAML 1.1 boolean forces it): yaml's duplicate
  // key check compared every key with every other.
  'many-keys': () =>
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  on: yes\n' +
    Array.from({ length: 60_000 }, (_, i) => `  k${i}: v\n`).join(''),
  // Many aliases short of a bomb.
  aliases: () =>
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: &l {a: b}}\ndata:\n' +
    Array.from({ length: 900 }, (_, i) => `  k${i}: *l\n`).join('') +
    `  pad: "${'x'.repeat(900_000)}"\n`,
};

/** Runs each case through the measured child process; prints wall time and peak memory. */
export function runHostile(base: string, child: string): void {
  console.log('\nhostile single files (contract: ≤ 1 MB handled in ≤ 5 s and ≤ 500 MB)');
  for (const [name, make] of Object.entries(CASES)) {
    const dir = path.join(base, `hostile-${name}`);
    mkdirSync(dir, { recursive: true });
    const text = make();
    writeFileSync(path.join(dir, `${name}.yaml`), text);
    const t = performance.now();
    const r = spawnSync(process.execPath, [child, 'ours', dir], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const wall = performance.now() - t;
    const out =
      r.status === 0
        ? (JSON.parse(r.stdout.trim().split('\n').pop() as string) as { maxRssKB: number })
        : undefined;
    console.log(
      [
        name.padEnd(16),
        `${(text.length / 1048576).toFixed(2)} MB`.padStart(8),
        `${(wall / 1000).toFixed(2)} s`.padStart(8),
        out ? `${Math.round(out.maxRssKB / 1024)} MB`.padStart(8) : `failed (${r.signal ?? r.status})`,
      ].join('  '),
    );
  }
}
