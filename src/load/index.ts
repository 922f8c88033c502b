import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { discover, type DiscoverOptions } from './discover';
import { DEFAULT_LIMITS, decode, parseSource, type ParseLimits } from './parse';
import type { LoadResult } from './types';

export { UsageError } from './discover';
export type { FieldPath, LoadDiagnostic, LoadResult, ManifestDoc, Region, SourceFile } from './types';

export interface LoadOptions extends DiscoverOptions {
  limits?: ParseLimits;
  /** Reads standard input; injectable for tests. */
  readStdin?: () => Promise<Buffer>;
}

export function displayPath(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  return (rel === '' ? path.basename(abs) : rel).split(path.sep).join('/');
}

async function readAllStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function errnoMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOENT') return 'file vanished while reading';
  return e instanceof Error ? e.message : String(e);
}

/** Adds one file's bytes to the result; never throws. */
export function loadBuffer(
  buf: Uint8Array,
  display: string,
  absPath: string | undefined,
  limits: ParseLimits,
  into: LoadResult,
): void {
  const decoded = decode(buf, display, absPath, limits);
  if (decoded.diagnostic) into.diagnostics.push(decoded.diagnostic);
  if (!decoded.file) return;
  const parsed = parseSource(decoded.file, limits);
  into.files.push(decoded.file);
  for (const d of parsed.docs) into.docs.push(d);
  for (const d of parsed.diagnostics) into.diagnostics.push(d);
}

/**
 * One note per Helm chart: its templates become manifests only when rendered, and the chart's other
 * files are not linted alone against half a chart.
 */
function chartNote(cwd: string, chartFile: string): LoadResult['diagnostics'][number] {
  let name: string | undefined;
  let line = 1;
  try {
    const text = readFileSync(chartFile, 'utf8');
    const m = /^name:[ \t]*["']?([A-Za-z0-9._-]+)/m.exec(text);
    if (m) {
      name = m[1];
      line = text.slice(0, m.index).split('\n').length;
    }
  } catch {
    // An unreadable Chart.yaml still marks a chart; the note just has no name.
  }
  const dir = displayPath(cwd, path.dirname(chartFile)) || '.';
  return {
    kind: 'helm-template',
    file: displayPath(cwd, chartFile),
    absPath: chartFile,
    region: { startLine: line, startColumn: 1, endLine: line, endColumn: 1 },
    message:
      `Helm chart${name ? ` '${name}'` : ''}: its templates are not manifests until rendered and were not linted. ` +
      `Lint the rendered output instead: helm template RELEASE ${dir} | kube-netlint -`,
  };
}

/** Finds, reads and parses every input. Bad input becomes diagnostics; only usage errors throw. */
export async function load(inputs: readonly string[], opts: LoadOptions): Promise<LoadResult> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const t0 = performance.now();
  const found = await discover(inputs, opts);
  const tDiscovered = performance.now();
  const result: LoadResult = {
    docs: [],
    diagnostics: found.charts.map((c) => chartNote(opts.cwd, c)),
    files: [],
  };
  // Each file is read and parsed before the next is read, so only one file's bytes are alive at a
  // time. Synchronous reads: for thousands of small files they are several times faster than
  // promises, and nothing else runs meanwhile.
  let bytes = 0;
  let read = 0;
  for (const abs of found.files) {
    const r0 = performance.now();
    let buf: Buffer;
    try {
      buf = readFileSync(abs);
    } catch (e) {
      result.diagnostics.push({
        kind: 'parse-error',
        file: displayPath(opts.cwd, abs),
        absPath: abs,
        region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
        message: `cannot read file: ${errnoMessage(e)}`,
      });
      continue;
    } finally {
      read += performance.now() - r0;
    }
    bytes += buf.length;
    loadBuffer(buf, displayPath(opts.cwd, abs), abs, limits, result);
  }
  if (found.stdin) {
    const buf = await (opts.readStdin ?? readAllStdin)();
    bytes += buf.length;
    loadBuffer(buf, '<stdin>', undefined, limits, result);
  }
  // Discovery counts as reading; parsing is everything else.
  result.timings = { read: read + (tDiscovered - t0), parse: performance.now() - tDiscovered - read };
  result.bytes = bytes;
  return result;
}
