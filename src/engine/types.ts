import type { FieldPath, Region } from '../load/types';
import type { Model } from '../model/model';
import type { KObject } from '../model/object';
import type { ClusterSettings } from '../config/types';

export type Severity = 'error' | 'warning' | 'note';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note'];
export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, note: 1 };

export interface RuleDocs {
  /** Why it matters, in a paragraph. */
  why: string;
  /** Run-time symptoms users see, verbatim where possible, so a search for them finds the rule. */
  symptoms: readonly string[];
  /** How to fix it. */
  fix: string;
  /** A small manifest that triggers the rule, and the same manifest fixed. */
  example: { bad: string; good: string };
}

export interface RuleMeta {
  /** Stable kebab-case id. Never rename one: configs and suppressions name it. */
  id: string;
  /** One line, shown in tables. */
  description: string;
  /** A fuller statement of what the rule flags. */
  details: string;
  severity: Severity;
  /** Family and topic tags, e.g. ['service', 'selector']. */
  tags: readonly string[];
  docs: RuleDocs;
}

export interface Related {
  object: KObject;
  path: FieldPath;
  message: string;
}

export interface ObjectReport {
  object: KObject;
  path: FieldPath;
  message: string;
  /** A lower level than the rule's default for a weaker form of the finding. */
  severity?: Severity;
  /**
   * A region inside the value at `path` (a line of an embedded file such as a Corefile); replaces
   * the region of the field itself.
   */
  region?: Region;
  related?: readonly Related[];
  /** A mechanical fix: the text that should replace the node at `path`. */
  fix?: { description: string; replacement: string };
}

/** A report about a file rather than an object (input that could not be read or parsed). */
export interface FileReport {
  file: string;
  absPath: string | undefined;
  region: Region;
  message: string;
  severity?: Severity;
}

export interface RuleContext {
  readonly model: Model;
  readonly cluster: ClusterSettings;
  report(report: ObjectReport): void;
  reportFile(report: FileReport): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

export interface Location {
  file: string;
  absPath: string | undefined;
  region: Region;
  /**
   * For `helm template` output: where the finding is in the rendered text. `file` is then the
   * chart template named by its `# Source:` comment, and `region` its first line.
   */
  rendered?: { file: string; absPath: string | undefined; region: Region };
}

export interface FindingRelated {
  location: Location;
  message: string;
  objectId: string | undefined;
}

export interface Suppression {
  kind: 'inSource' | 'external';
  justification: string | undefined;
  /** Where the suppression was written, for humans. */
  via: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  location: Location;
  object: { id: string; kind: string; namespace: string | undefined; name: string } | undefined;
  /** Dotted field path, e.g. `spec.ports[0].targetPort`. */
  path: string | undefined;
  related: FindingRelated[];
  suppressions: Suppression[];
  /** Stable across unrelated edits: does not contain line numbers. */
  fingerprint: string;
  /** A mechanical fix, offered in SARIF as `fixes`. */
  fix?: { description: string; region: Region; text: string } | undefined;
}
