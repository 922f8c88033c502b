// Repository shapes for the benchmark (issue #22): the same generated apps written in the styles real
// repositories use (flow style, comments, long strings, large multi-document files), and the two
// corpora of ../shared copied until they reach the requested size. Each shape must stay on the fast
// path unless it really holds a construct the two YAML versions read differently.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as jsyaml from 'js-yaml';
import { generateRepository, type Generated, type Shape } from './generate';

/** Flow style everywhere below the top level, as `kubectl … -o yaml | yq -o=json`-ish tools write. */
const flow: Shape = {
  doc: (text) => {
    const value = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA }) as Record<string, unknown>;
    return jsyaml.dump(value, { flowLevel: 1, lineWidth: -1, schema: jsyaml.CORE_SCHEMA });
  },
};

/** A comment line before every few lines and a trailing comment on others, as hand-kept repositories have. */
const comments: Shape = {
  doc: (text) =>
    text
      .split('\n')
      .map((line, i) => {
        if (line.trim() === '' || line.includes('|')) return line;
        const indent = /^\s*/.exec(line)?.[0] ?? '';
        // Commented-out settings (`# hostNetwork: no`) are everywhere in hand-kept files.
        if (i % 6 === 0) return `${indent}# hostNetwork: no\n${indent}# mode: 0644\n${line}`;
        if (i % 3 === 0) return `${indent}# owner: team-07, reviewed 2024-01-09; see runbook 0042\n${line}`;
        if (i % 3 === 1 && !line.trimEnd().endsWith(':')) return `${line}  # 0755 yes no on off`;
        return line;
      })
      .join('\n'),
};

/**
 * Long strings on a third of the documents: a long quoted annotation and a block scalar holding
 * YAML-like text (`enabled: yes` inside a string is a string in both YAML versions).
 */
const longStrings: Shape = {
  doc: (text, r) => {
    if (r() > 0.33) return text;
    const words = Array.from({ length: 40 }, (_, i) => `word${Math.floor(r() * 1000)}-0${i % 8}`).join(' ');
    const block = Array.from({ length: 8 }, (_, i) => `      line-${i}: ${words.slice(0, 100)}`).join('\n');
    const lines = `    example.com/description: "${words}: yes"\n    example.com/notes: |\n      enabled: yes\n      mode: 0644\n${block}\n`;
    return /^ {2}annotations:\n/m.test(text)
      ? text.replace(/^ {2}annotations:\n/m, `  annotations:\n${lines}`)
      : text.replace(/^metadata:\n/m, `metadata:\n  annotations:\n${lines}`);
  },
};

/** Every namespace's documents in one file (kustomize build / helm template output kept in git). */
const multiDoc: Shape = { perNamespaceFile: true };

export const SHAPES: Record<string, Shape> = {
  'zero-led': {},
  flow,
  comments,
  'long-strings': longStrings,
  'multi-doc': multiDoc,
};

export function generateShape(dir: string, documents: number, shape: string): Generated {
  const s = SHAPES[shape];
  if (!s) throw new Error(`unknown shape ${shape}`);
  return generateRepository(dir, documents, 42, s);
}

interface CorpusFile {
  rel: string;
  docs: number;
  bytes: number;
}

function manifestFiles(root: string): CorpusFile[] {
  const out: CorpusFile[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.(ya?ml|json)$/.test(e.name)) {
        const text = readFileSync(p, 'utf8');
        let docs = 0;
        try {
          docs = jsyaml.loadAll(text).filter((d) => d !== null && typeof d === 'object').length;
        } catch {
          docs = 1;
        }
        out.push({ rel: path.relative(root, p), docs, bytes: statSync(p).size });
      }
    }
  };
  walk(root);
  return out;
}

/**
 * A real corpus copied into `copy-N/` folders until it holds about `documents` documents (the last copy
 * partial). Copies keep their files byte for byte, so the parse mix is the corpus's own.
 */
export function generateCorpusShape(dir: string, corpus: string, documents: number): Generated | undefined {
  if (!existsSync(corpus)) return undefined;
  const files = manifestFiles(corpus);
  let count = 0;
  let n = 0;
  let bytes = 0;
  for (let copy = 0; count < documents; copy++) {
    for (const f of files) {
      if (count >= documents) break;
      const to = path.join(dir, `copy-${copy}`, f.rel);
      mkdirSync(path.dirname(to), { recursive: true });
      copyFileSync(path.join(corpus, f.rel), to);
      count += f.docs;
      bytes += f.bytes;
      n++;
    }
    if (files.length === 0) break;
  }
  return { dir, documents: count, files: n, bytes };
}
