// Generates docs/rules/<id>.md and the README rule table from rule metadata:
//   npm run docs          write them
//   (test/docs.test.ts fails when what is committed differs from what this would write)
import { readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../rules/index';
import type { RuleMeta } from '../engine/types';
import { PACKAGE_ROOT } from '../version';
import { ruleMarkdown } from './rule-doc';
import { rulesMarkdownTable, TABLE_END, TABLE_START } from './rules-table';

export interface GeneratedFile {
  file: string;
  content: string;
}

export function documentedRules(): RuleMeta[] {
  return RULES.map((r) => r.meta).filter((m) => m.id !== 'internal-error');
}

/** Every generated file with its expected content, the README included. */
export function generatedFiles(root = PACKAGE_ROOT): GeneratedFile[] {
  const out: GeneratedFile[] = documentedRules().map((meta) => ({
    file: path.join(root, 'docs', 'rules', `${meta.id}.md`),
    content: ruleMarkdown(meta),
  }));
  const readmePath = path.join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${TABLE_START} … ${TABLE_END}`);
  const table = rulesMarkdownTable(RULES.map((r) => r.meta));
  out.push({
    file: readmePath,
    content: readme.slice(0, start + TABLE_START.length) + '\n\n' + table + '\n' + readme.slice(end),
  });
  return out;
}

function main(): void {
  const dir = path.join(PACKAGE_ROOT, 'docs', 'rules');
  mkdirSync(dir, { recursive: true });
  const files = generatedFiles();
  const keep = new Set(files.map((f) => f.file));
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (!keep.has(full)) rmSync(full);
  }
  for (const f of files) writeFileSync(f.file, f.content);
  console.log(`wrote ${files.length} files`);
}

if (require.main === module) main();
