// `--cache` (#22): the documents the fast path read from a file, kept between runs and keyed by the
// hash of the file's bytes, so an unchanged repository is not parsed again. Two strategies, as
// ESLint's --cache-strategy: `content` reads and hashes every file; `metadata` (the default on the
// command line) first compares a file's size, mtime and inode with those of the run that stored it
// and, when all three are the same, takes its documents without reading the file at all (its text
// is read only if a finding or a suppression comment needs it).
//
// The cache file may sit in the repository under lint (node_modules/.cache), so it is input like any
// other: it may be corrupted, truncated, written by another version or planted. Nothing in it is
// executed (v8.deserialize and JSON.parse build plain values only), every entry used is checked for
// the shape of parsed YAML before it is trusted, and anything else is ignored: the file is then
// parsed as without a cache. Only files that took the fast path without diagnostics are stored, so
// regions, diagnostics and the slow path behave exactly as in a run without the cache.
//
// Layout (one v8 serialization, read once): the entries' JSON texts joined into one array text,
// parsed with one JSON.parse on first use; the span of each entry in it, so that a save copies the
// text of entries it did not change; and the file index of the metadata strategy.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { isRecord } from '../util/values';
import { safeWriteFile } from '../util/safe-write';
import { decodeDocs, encodeDocs, type CachedDoc } from './cache-codec';
import { docsFromCache } from './parse';
import { readBounded } from './read';
import { diskSourceFile, textFingerprint, type TextFingerprint } from './source-file';
import type { ManifestDoc, SourceFile } from './types';

export type { CachedDoc } from './cache-codec';

/** Where the cache goes without --cache-location, relative to the working directory (as for Babel, ESLint's loaders, …). */
export const DEFAULT_CACHE_DIR = path.join('node_modules', '.cache', 'kube-netlint');
const FILE_NAME = 'parsed.v8';
const FORMAT = 'kube-netlint-parse-cache/2';
/** Larger cache files are not read, and entries beyond this are not written. */
const MAX_CACHE_BYTES = 256 * 1024 * 1024;

/** `content`: a file is known by the hash of its bytes; `metadata`: by its size, mtime and inode first. */
export type CacheStrategy = 'metadata' | 'content';

/** What the metadata strategy knows of a file: its stat when stored, and which entry holds it. */
interface FileMeta {
  size: number;
  mtimeMs: number;
  ino: number;
  key: string;
  /**
   * Length and hash of the bytes parsed, and whether they name `kube-netlint-`: the text is read
   * again only when a finding needs it, and used only when it is still those bytes (source-file.ts).
   */
  fingerprint: TextFingerprint;
}

function isFileMeta(v: unknown): v is FileMeta {
  return (
    isRecord(v) &&
    Number.isSafeInteger(v['size']) &&
    typeof v['mtimeMs'] === 'number' &&
    typeof v['ino'] === 'number' &&
    typeof v['key'] === 'string' &&
    isFingerprint(v['fingerprint'])
  );
}

function isFingerprint(v: unknown): v is TextFingerprint {
  return (
    isRecord(v) &&
    Number.isSafeInteger(v['bytes']) &&
    typeof v['hash'] === 'string' &&
    typeof v['directives'] === 'boolean'
  );
}

type Stat = Pick<FileMeta, 'size' | 'mtimeMs' | 'ino'>;

/** An unchanged file (`--cache-strategy metadata`) and its documents, taken without reading it. */
export interface UnchangedFile {
  file: SourceFile;
  docs: ManifestDoc[];
  size: number;
}

export class ParseCache {
  readonly file: string;
  /** The entries' texts of the cache file as read, joined as one JSON array, and each one's span. */
  private body = '';
  private readonly spans = new Map<string, [number, number]>();
  /** The body's entries, parsed on first use (undefined: not yet; null: the body is not valid). */
  private parsed: Map<string, unknown> | null | undefined;
  /** Entries of this run: the text to write for each key. */
  private readonly used = new Map<string, string>();
  private readonly files = new Map<string, FileMeta>();
  /** Stats taken by unchanged() before a file is read, for the file index. */
  private readonly statted = new Map<string, Stat>();
  private changed = false;
  /** Hits and misses of this run (the benchmark and tests read them); `unread`: hits by metadata. */
  readonly stats = { hits: 0, misses: 0, rejected: 0, unread: 0 };

  /**
   * @param dir the cache folder
   * @param version the linter's version: a cache written by another version is ignored
   * @param untrustedRoot the folder whose content the input controls (no link below it is followed)
   * @param strategy how an unchanged file is told (see CacheStrategy)
   */
  constructor(
    dir: string,
    private readonly version: string,
    private readonly untrustedRoot?: string,
    readonly strategy: CacheStrategy = 'content',
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
    const { body, spans, files } = outer;
    if (typeof body !== 'string' || !(spans instanceof Map) || !(files instanceof Map)) {
      this.changed = true;
      return;
    }
    this.body = body;
    for (const [k, v] of spans)
      if (
        typeof k === 'string' &&
        Array.isArray(v) &&
        Number.isSafeInteger(v[0]) &&
        Number.isSafeInteger(v[1]) &&
        0 <= v[0] &&
        v[0] <= v[1] &&
        v[1] <= body.length
      )
        this.spans.set(k, [v[0] as number, v[1] as number]);
    for (const [k, v] of files) if (typeof k === 'string' && isFileMeta(v)) this.files.set(k, v);
  }

  /** Every stored entry by key, from one JSON.parse of the body; empty when the body is not valid. */
  private entries(): Map<string, unknown> {
    if (this.parsed === undefined) {
      this.parsed = null;
      try {
        const all: unknown = JSON.parse(this.body || '[]');
        if (Array.isArray(all) && all.length === this.spans.size) {
          const byKey = new Map<string, unknown>();
          let i = 0;
          for (const k of this.spans.keys()) byKey.set(k, all[i++]);
          this.parsed = byKey;
        }
      } catch {
        // Not JSON: nothing stored is used, and the file is rewritten.
      }
      if (this.parsed === null) {
        this.spans.clear();
        this.changed = true;
      }
    }
    return this.parsed ?? new Map();
  }

  /** The key of a file's bytes; `nameRole` (see parse.ts) because the file name changes what is read. */
  key(bytes: Uint8Array, nameRole: string): string {
    return createHash('sha256').update(this.version).update(`\0${nameRole}\0`).update(bytes).digest('base64');
  }

  /** Whether an entry is stored for this key (not yet checked; `get` does that). */
  has(key: string): boolean {
    return this.spans.has(key) || this.used.has(key);
  }

  /** The documents stored for this key, checked; undefined when absent or not trusted. */
  get(key: string, file?: SourceFile): CachedDoc[] | undefined {
    const entries = this.entries();
    let raw = entries.get(key);
    // A key met again (two files with the same bytes): its own copy of the values, never shared.
    const again = this.used.get(key);
    if (raw === undefined && again !== undefined) raw = JSON.parse(again) as unknown;
    const docs = raw === undefined ? undefined : decodeDocs(raw);
    if (docs === undefined) {
      if (raw !== undefined) {
        this.stats.rejected++;
        entries.delete(key);
        this.spans.delete(key);
        this.changed = true;
      }
      this.stats.misses++;
      return undefined;
    }
    // Read once: the values now belong to this run (the model may change them).
    entries.delete(key);
    this.stats.hits++;
    const span = this.spans.get(key);
    if (!this.used.has(key) && span) this.used.set(key, this.body.slice(span[0], span[1]));
    if (file) this.remember(key, file);
    return docs;
  }

  /** Stores what the fast path read; encoded now, before the model or rules touch the values. */
  set(key: string, docs: readonly CachedDoc[], file?: SourceFile): void {
    try {
      this.used.set(key, encodeDocs(docs));
      this.changed = true;
      if (file) this.remember(key, file);
    } catch {
      // A value that cannot be written: not cached, parsed again next time.
    }
  }

  /** Records, for the metadata strategy, the stat unchanged() took before this file was read. */
  private remember(key: string, file: SourceFile): void {
    const abs = file.absPath;
    const st = abs === undefined ? undefined : this.statted.get(abs);
    if (abs === undefined || st === undefined) return;
    this.statted.delete(abs);
    const fingerprint = textFingerprint(file);
    if (fingerprint === undefined) return; // not bytes read from disk as they are (stdin, repaired)
    const old = this.files.get(abs);
    if (
      old?.key === key &&
      old.size === st.size &&
      old.mtimeMs === st.mtimeMs &&
      old.ino === st.ino &&
      old.fingerprint.hash === fingerprint.hash
    )
      return;
    this.files.set(abs, { ...st, key, fingerprint });
    this.changed = true;
  }

  /**
   * The metadata strategy: the documents of a file whose size, mtime and inode are those of the
   * run that stored it, without reading it; undefined otherwise (it is then read, hashed and looked
   * up by content). The stat is taken before the read, so a file written meanwhile differs next time.
   */
  unchanged(abs: string, display: string, maxBytes: number): UnchangedFile | undefined {
    if (this.strategy !== 'metadata') return undefined;
    let st: Stat;
    try {
      const s = statSync(abs);
      if (!s.isFile()) return undefined;
      st = { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
    } catch {
      return undefined;
    }
    this.statted.set(abs, st);
    const meta = this.files.get(abs);
    if (!meta || meta.size !== st.size || meta.mtimeMs !== st.mtimeMs || meta.ino !== st.ino)
      return undefined;
    if (st.size > maxBytes) return undefined;
    const file = diskSourceFile(display, abs, undefined, meta.fingerprint);
    const cached = this.get(meta.key);
    if (!cached) {
      this.stats.misses--; // counted again when the file is read and looked up by content
      return undefined;
    }
    this.statted.delete(abs);
    this.stats.unread++;
    return { file, docs: docsFromCache(file, cached), size: st.size };
  }

  /**
   * Writes the cache when this run changed it: the entries used now first, then older ones (other
   * files, other branches) while under the size limit. Never throws: a cache that cannot be written
   * costs only time.
   */
  save(): void {
    if (!this.changed) return;
    const texts: string[] = [];
    const spans = new Map<string, [number, number]>();
    let size = 1;
    const add = (k: string, text: string): void => {
      // Two bytes a character at most, as v8 writes a string that is not Latin-1.
      if (spans.has(k) || 2 * (size + text.length + 1) > MAX_CACHE_BYTES) return;
      spans.set(k, [size, size + text.length]);
      texts.push(text);
      size += text.length + 1;
    };
    for (const [k, text] of this.used) add(k, text);
    // Older entries: only those still unread are known to be intact (a hit was moved to `used`).
    const left = this.parsed === null ? new Map<string, [number, number]>() : this.spans;
    for (const [k, [a, b]] of left) if (!this.used.has(k)) add(k, this.body.slice(a, b));
    const files = new Map([...this.files].filter(([, m]) => spans.has(m.key)));
    try {
      const dir = path.dirname(this.file);
      if (this.untrustedRoot !== undefined && linkBelow(path.resolve(this.untrustedRoot), dir)) return;
      mkdirSync(dir, { recursive: true });
      const body = `[${texts.join(',')}]`;
      safeWriteFile(this.file, serialize({ format: FORMAT, version: this.version, body, spans, files }), {
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
