// `--cache` (#22): the documents the fast path read from a file, kept between runs and keyed by the
// hash of the file's bytes, so an unchanged repository is read and hashed but not parsed again.
//
// The cache file may sit in the repository under lint (node_modules/.cache), so it is input like any
// other: it may be corrupted, truncated, written by another version or planted. Nothing in it is
// executed (v8.deserialize builds plain values only), every entry used is checked for the shape of
// parsed YAML before it is trusted, and anything else is ignored: the file is then parsed as
// without a cache. Only files that took the fast path without diagnostics are stored, so regions,
// diagnostics and the slow path behave exactly as in a run without the cache.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { isRecord, type JsonObject } from '../util/values';
import { safeWriteFile } from '../util/safe-write';
import { readBounded } from './read';
import type { FieldPath } from './types';

/** Where the cache goes without --cache-location, relative to the working directory (as for Babel, ESLint's loaders, …). */
export const DEFAULT_CACHE_DIR = path.join('node_modules', '.cache', 'kube-netlint');
const FILE_NAME = 'parsed.v8';
const FORMAT = 'kube-netlint-parse-cache/1';
/** Larger cache files are not read, and entries beyond this are not written. */
const MAX_CACHE_BYTES = 256 * 1024 * 1024;

/** One document the fast path produced: what parse.ts needs to rebuild its ManifestDoc. */
export interface CachedDoc {
  docIndex: number;
  basePath: FieldPath;
  value: JsonObject;
}

/** A value as js-yaml's default schema builds it: JSON values, Dates, !!binary bytes. */
function isParsedValue(root: unknown): boolean {
  // Iterative, so a deeply nested planted value cannot exhaust the stack.
  const stack: unknown[] = [root];
  let budget = 10_000_000;
  while (stack.length) {
    if (--budget < 0) return false;
    const v = stack.pop();
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') continue;
    if (v instanceof Date || v instanceof Uint8Array) continue;
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    if (typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return false;
    for (const x of Object.values(v as object)) stack.push(x);
  }
  return true;
}

function isCachedDocs(v: unknown): v is CachedDoc[] {
  return (
    Array.isArray(v) &&
    v.every(
      (d) =>
        isRecord(d) &&
        Number.isInteger(d['docIndex']) &&
        (d['docIndex'] as number) >= 0 &&
        Array.isArray(d['basePath']) &&
        d['basePath'].every((p) => typeof p === 'string' || Number.isInteger(p)) &&
        isRecord(d['value']) &&
        typeof d['value']['kind'] === 'string' &&
        typeof d['value']['apiVersion'] === 'string' &&
        isParsedValue(d['value']),
    )
  );
}

export class ParseCache {
  readonly file: string;
  private readonly stored = new Map<string, Uint8Array>();
  private readonly used = new Map<string, Uint8Array>();
  private changed = false;
  /** Hits and misses of this run (the benchmark and tests read them). */
  readonly stats = { hits: 0, misses: 0, rejected: 0 };

  /**
   * @param dir the cache folder
   * @param version the linter's version: a cache written by another version is ignored
   * @param untrustedRoot the folder whose content the input controls (no link below it is followed)
   */
  constructor(
    dir: string,
    private readonly version: string,
    private readonly untrustedRoot?: string,
  ) {
    this.file = path.join(path.resolve(dir), FILE_NAME);
    this.read();
  }

  private read(): void {
    let outer: unknown;
    try {
      if (lstatSync(this.file).isSymbolicLink()) return;
      const got = readBounded(this.file, MAX_CACHE_BYTES);
      if ('skip' in got) return;
      outer = deserialize(got.buf);
    } catch {
      return; // absent, unreadable or not a v8 serialization: start empty
    }
    if (!isRecord(outer) || outer['format'] !== FORMAT || outer['version'] !== this.version) {
      this.changed = true; // another version's or a foreign file: replaced on save
      return;
    }
    const entries = outer['entries'];
    if (!(entries instanceof Map)) return;
    for (const [k, v] of entries) if (typeof k === 'string' && v instanceof Uint8Array) this.stored.set(k, v);
  }

  /** The key of a file's bytes; `nameRole` (see parse.ts) because the file name changes what is read. */
  key(bytes: Uint8Array, nameRole: string): string {
    return createHash('sha256').update(this.version).update(`\0${nameRole}\0`).update(bytes).digest('base64');
  }

  /** Whether an entry is stored for this key (not yet checked; `get` does that). */
  has(key: string): boolean {
    return this.stored.has(key);
  }

  /** The documents stored for this key, checked; undefined when absent or not trusted. */
  get(key: string): CachedDoc[] | undefined {
    const raw = this.stored.get(key);
    if (raw === undefined) {
      this.stats.misses++;
      return undefined;
    }
    let docs: unknown;
    try {
      docs = deserialize(raw);
    } catch {
      docs = undefined;
    }
    if (!isCachedDocs(docs)) {
      this.stats.rejected++;
      this.stats.misses++;
      this.stored.delete(key);
      this.changed = true;
      return undefined;
    }
    this.stats.hits++;
    this.used.set(key, raw);
    return docs;
  }

  /** Stores what the fast path read; serialized now, before the model or rules touch the values. */
  set(key: string, docs: readonly CachedDoc[]): void {
    try {
      const raw = serialize(
        docs.map((d) => ({ docIndex: d.docIndex, basePath: d.basePath, value: d.value })),
      );
      this.used.set(key, raw);
      this.changed = true;
    } catch {
      // A value v8 cannot serialize: not cached, parsed again next time.
    }
  }

  /**
   * Writes the cache when this run changed it: the entries used now first, then older ones (other
   * files, other branches) while under the size limit. Never throws: a cache that cannot be written
   * costs only time.
   */
  save(): void {
    if (!this.changed) return;
    const entries = new Map<string, Uint8Array>();
    let size = 0;
    for (const source of [this.used, this.stored])
      for (const [k, v] of source) {
        if (entries.has(k) || size + v.length > MAX_CACHE_BYTES) continue;
        entries.set(k, v);
        size += v.length;
      }
    try {
      const dir = path.dirname(this.file);
      if (this.untrustedRoot !== undefined && linkBelow(path.resolve(this.untrustedRoot), dir)) return;
      mkdirSync(dir, { recursive: true });
      safeWriteFile(this.file, serialize({ format: FORMAT, version: this.version, entries }), {
        ...(this.untrustedRoot !== undefined ? { untrustedRoot: this.untrustedRoot } : {}),
      });
      this.changed = false;
    } catch {
      // Read-only checkout, a link where the cache would go, a full disk: run without saving.
    }
  }
}

/** Whether an existing folder from `root` down to `dir` is a symbolic link (checked before mkdir follows it). */
function linkBelow(root: string, dir: string): boolean {
  const rel = path.relative(root, dir);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return false;
  let current = root;
  for (const part of rel.split(path.sep)) {
    current = path.join(current, part);
    try {
      if (lstatSync(current).isSymbolicLink()) return true;
    } catch {
      return false; // does not exist yet: nothing below it does either
    }
  }
  return false;
}
