// Source files and their texts (#22). A file read from disk does not keep its decoded text after
// parsing: at 50k documents the texts were tens of MB that only findings' regions, suppression
// comments and Corefile locations look at again. The text is read again on first use, and used only
// when the bytes are those that were parsed (same length and hash); otherwise the file changed while
// linting and regions fall back to line 1 rather than point at a wrong place (see region.ts).
// Standard input and the language server's buffers keep their text: they cannot be read again.
import { createHash } from 'node:crypto';
import { LineCounter } from 'yaml';
import { readBounded } from './read';
import type { SourceFile } from './types';

/** What is kept of a file's bytes so that a later read can tell whether they are still those parsed. */
export interface TextFingerprint {
  /** Byte length. */
  bytes: number;
  hash: string;
  /** The text named `kube-netlint-`: only then can it hold suppression comments. */
  directives: boolean;
}

/** The marker every suppression comment starts with (see engine/suppress.ts). */
export const DIRECTIVE_MARKER = 'kube-netlint-';

export function fingerprintOf(buf: Uint8Array, text: string): TextFingerprint {
  return {
    bytes: buf.byteLength,
    hash: createHash('sha1').update(buf).digest('base64'),
    directives: text.includes(DIRECTIVE_MARKER),
  };
}

/** UTF-8 bytes to text without a byte-order mark, which is not part of the content (editors do not count it). */
export function decodeText(buf: Uint8Array): string {
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads the file again; its text only when the bytes are those of the fingerprint. */
function reread(absPath: string, fp: TextFingerprint): string | undefined {
  try {
    const got = readBounded(absPath, fp.bytes);
    if ('skip' in got || got.buf.byteLength !== fp.bytes) return undefined;
    if (createHash('sha1').update(got.buf).digest('base64') !== fp.hash) return undefined;
    return decodeText(got.buf);
  } catch {
    return undefined; // vanished or unreadable now
  }
}

class FileText implements SourceFile {
  private held: string | undefined;
  private counter: LineCounter | undefined;
  private changed = false;

  constructor(
    readonly path: string,
    readonly absPath: string | undefined,
    text: string | undefined,
    private fingerprint: TextFingerprint | undefined,
  ) {
    this.held = text;
  }

  get text(): string {
    if (this.held === undefined) {
      const again =
        this.absPath !== undefined && this.fingerprint ? reread(this.absPath, this.fingerprint) : undefined;
      this.changed = again === undefined;
      this.held = again ?? '';
    }
    return this.held;
  }

  /** Replaced by the loader's repair pass: the text is then no longer the file's and is kept. */
  set text(value: string) {
    this.held = value;
    this.fingerprint = undefined;
    this.counter = undefined;
  }

  /** What the text was parsed from; undefined when it is held for the run (or was repaired). */
  get parsedFrom(): TextFingerprint | undefined {
    return this.fingerprint;
  }

  get textChanged(): boolean {
    if (this.held === undefined) void this.text;
    return this.changed;
  }

  get mayHaveDirectives(): boolean {
    return this.held !== undefined
      ? this.held.includes(DIRECTIVE_MARKER)
      : (this.fingerprint?.directives ?? false);
  }

  // Built on first use: only files with findings or parse errors need line numbers.
  get lineCounter(): LineCounter {
    if (!this.counter) {
      const text = this.text;
      const counter = new LineCounter();
      counter.addNewLine(0);
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) counter.addNewLine(i + 1);
      this.counter = counter;
    }
    return this.counter;
  }

  /** Lets the text go; it is read again on first use. Only for a file on disk with a fingerprint. */
  drop(): void {
    if (this.absPath === undefined || this.fingerprint === undefined) return;
    this.held = undefined;
    this.counter = undefined;
  }
}

/** A file whose text is held for the whole run (stdin, an editor's buffer, a config file). */
export function makeSourceFile(path: string, absPath: string | undefined, text: string): SourceFile {
  return new FileText(path, absPath, text, undefined);
}

/** A file on disk, parsed from bytes with this fingerprint; `dropText` lets its text go after parsing. */
export function diskSourceFile(
  path: string,
  absPath: string,
  text: string | undefined,
  fingerprint: TextFingerprint,
): SourceFile {
  return new FileText(path, absPath, text, fingerprint);
}

/** After parsing: the text of a disk file goes, to be read again if a finding needs it. */
export function dropText(file: SourceFile): void {
  if (file instanceof FileText) file.drop();
}

/** The fingerprint of a disk file's parsed bytes, if it has one. */
export function textFingerprint(file: SourceFile): TextFingerprint | undefined {
  return file instanceof FileText ? file.parsedFrom : undefined;
}
