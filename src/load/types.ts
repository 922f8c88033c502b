import type { Document, LineCounter } from 'yaml';
import type { JsonObject } from '../util/values';

/** A path to a field inside one object, e.g. ['spec', 'ports', 0, 'targetPort']. */
export type FieldPath = readonly (string | number)[];

/**
 * A source region, 1-based. `endColumn` is exclusive (the column after the last character), as in
 * SARIF 2.1.0. Columns count UTF-16 code units, SARIF's default `columnKind`.
 */
export interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface SourceFile {
  /** Path as shown to users: relative to the working directory, '/'-separated, or `<stdin>`. */
  path: string;
  /** Absolute path on disk; undefined for stdin. */
  absPath: string | undefined;
  /** Decoded text, without a byte-order mark. */
  text: string;
  /** Line index of `text`, built on first use. */
  readonly lineCounter: LineCounter;
  /**
   * Set when the text is known to hold no `kube-netlint-` comment without reading it: `--cache`
   * reads an unchanged file's text only when something needs it (cache.ts).
   */
  readonly noDirectives?: boolean;
}

/** One Kubernetes object as read from a file: a YAML document, or one item of a `List`. */
export interface ManifestDoc {
  file: SourceFile;
  /** 0-based index of the YAML document inside the file. */
  docIndex: number;
  /** The document's yaml AST, for source regions; built on first use (only findings need it). */
  ast(): Document;
  /** Where the object sits inside its YAML document: [] for a plain document, ['items', i] in a List. */
  basePath: FieldPath;
  value: JsonObject;
  /** For `helm template` output: the chart template named by the `# Source:` comment. */
  renderedFrom?: string;
  /** The namespace a kustomization in the input gives this object (it replaces what the file says). */
  kustomizeNamespace?: string;
  /** Overlays in the input build this object into different namespaces. */
  namespaceUncertain?: boolean;
}

export type DiagnosticKind = 'parse-error' | 'helm-template';

/** A problem with the input itself, reported by the loader rather than a rule. */
export interface LoadDiagnostic {
  kind: DiagnosticKind;
  file: string;
  absPath: string | undefined;
  region: Region;
  message: string;
  /** Lower than the rule's error, for what was skipped on purpose rather than broken. */
  severity?: 'note';
}

export interface LoadResult {
  docs: ManifestDoc[];
  diagnostics: LoadDiagnostic[];
  files: SourceFile[];
  /** Milliseconds spent finding and reading files, and parsing them. */
  timings?: { read: number; parse: number };
  /** Bytes read. */
  bytes?: number;
}
