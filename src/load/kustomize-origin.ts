import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { walkFolders } from './folders';
import { readBounded } from './read';
import type { Region } from './types';

/** Written by `kustomize build` with `buildMetadata: [originAnnotations]`. */
export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';

const KUSTOMIZATION = /^(kustomization\.ya?ml|Kustomization)$/;
const MAX_BYTES = 1024 * 1024;

/**
 * The `path:` of an origin annotation (`path: ../../base/api.yaml`), for a local file only: an
 * origin with `repo:` is a remote base, which is not on disk.
 */
export function originPath(value: string | undefined): string | undefined {
  if (!value || value.length > 4096) return undefined;
  try {
    const o = parse(value) as { path?: unknown; repo?: unknown } | null;
    if (!o || typeof o !== 'object' || o.repo !== undefined || typeof o.path !== 'string') return undefined;
    return o.path;
  } catch {
    return undefined;
  }
}

/**
 * Maps origin paths (relative to the kustomization that was built) to files under `cwd`: the folder
 * given with --kustomize-dir, else cwd, else the first kustomization folder under cwd from which the
 * path names an existing file. Only files inside `cwd` are returned: the path comes from the input.
 */
export class KustomizeOrigins {
  private roots: string[] | undefined;

  constructor(
    private readonly cwd: string,
    private readonly buildDir?: string,
  ) {}

  resolve(origin: string): string | undefined {
    const bases = this.buildDir
      ? [path.resolve(this.cwd, this.buildDir)]
      : [this.cwd, ...this.kustomizations()];
    for (const base of bases) {
      const abs = path.resolve(base, origin);
      const rel = path.relative(this.cwd, abs);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      if (existsSync(abs)) return abs;
    }
    return undefined;
  }

  private kustomizations(): string[] {
    if (this.roots) return this.roots;
    const out: string[] = [];
    walkFolders(this.cwd, (dir, entries) => {
      if (entries.some((e) => e.isFile() && KUSTOMIZATION.test(e.name))) out.push(dir);
    });
    this.roots = out;
    return out;
  }
}

/**
 * Where an object starts in its source file: the `kind:` line of the document that names it (by
 * kind and, when a name prefix or suffix has not changed it, by name), else the first `kind:` line
 * of that kind, else line 1.
 */
export function objectRegion(absPath: string, kind: string, name: string): Region {
  const first: Region = { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 };
  let text: string;
  try {
    // The path comes from an annotation in the input: read bounded (a FIFO or device never hangs).
    const read = readBounded(absPath, MAX_BYTES);
    if (!('buf' in read)) return first;
    text = read.buf.toString('utf8');
  } catch {
    return first;
  }
  const lines = text.split('\n');
  let docStart = 0;
  let kindLine: number | undefined;
  let fallback: number | undefined;
  const kindRe = new RegExp(`^kind:\\s*["']?${kind.replace(/[^A-Za-z0-9]/g, '')}["']?\\s*(#.*)?$`);
  const nameRe = new RegExp(
    `^\\s+name:\\s*["']?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*(#.*)?$`,
  );
  let named = false;
  const done = (): Region | undefined =>
    kindLine !== undefined && named
      ? {
          startLine: kindLine + 1,
          startColumn: 1,
          endLine: kindLine + 1,
          endColumn: (lines[kindLine] ?? '').length + 1,
        }
      : undefined;
  for (let i = 0; i <= lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (i === lines.length || /^---/.test(line)) {
      const hit = done();
      if (hit) return hit;
      docStart = i + 1;
      kindLine = undefined;
      named = false;
      continue;
    }
    if (kindRe.test(line)) {
      kindLine = i;
      fallback ??= i;
    } else if (nameRe.test(line) && i > docStart) named = true;
  }
  return fallback !== undefined
    ? {
        startLine: fallback + 1,
        startColumn: 1,
        endLine: fallback + 1,
        endColumn: (lines[fallback] ?? '').length + 1,
      }
    : first;
}
