import * as jsyaml from 'js-yaml';

/**
 * Which texts js-yaml (YAML 1.2 core schema, the fast path) would read differently from Kubernetes'
 * decoder (go-yaml v2 through sigs.k8s.io/yaml, YAML 1.1), or which need the full parse for other
 * reasons. Exact about position: only a whole plain scalar where a node starts counts, so names such
 * as `team-01`, `app-00040` or dates stay on the fast path (issue #22).
 *
 * go-yaml v2's resolver (resolve.go): booleans are y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF
 * (plus true/false, which js-yaml reads alike); integers go through strconv.ParseInt(s, 0, 64) after
 * removing every `_`, so a leading 0 means octal (`0644` is 420) and `1_000` is 1000, where js-yaml
 * reads `0644` as 644 and `1_000` as a string. go-yaml v2 has no sexagesimal numbers (`1:30` is a
 * string for both), so those need no full parse.
 *
 * Linear time on hostile input: every quantified class is followed by a class it cannot overlap,
 * or by a fixed terminator, and each attempt starts at a line start or a one-character indicator.
 */

/** Where a node may start: line start (after indentation), after `- `, `? `, `: `, a flow indicator, or a JSON key's `":`. */
const NODE_START = String.raw`(?:^|[-?:][ \t]|[[{,]|["']:)[ \t]*`;
/** An anchor or tag before the scalar (`&a yes`): the scalar is still resolved. */
const PROPERTY = String.raw`(?:[&!][^ \t\r\n]*[ \t]+)?`;
/** What ends a plain scalar: line end, a comment, a flow indicator, or a key's `: `. */
const SCALAR_END = String.raw`[ \t]*(?:$|#|[,\]}]|:(?:[ \t]|$))`;
const BOOL_1_1 = 'y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF';
/** `0[0-7]+` with underscores allowed, since go-yaml removes them before ParseInt. */
const OCTAL_1_1 = String.raw`[-+]?0[0-7_]+`;
/** A number with an `_` (`1_000`, `0x_1F`, `1_0e1`): go-yaml reads a number, js-yaml a string. */
const UNDERSCORE_NUMBER = String.raw`[-+]?\.?[0-9][0-9a-fA-FxXoO.+-]*_[0-9a-fA-FxXoO.+_-]*`;
/** An alias as a node: counted for alias bombs by the full parse. */
const ALIAS = String.raw`\*[^ \t\r\n,\]}]`;
/** Helm's `# Source:` comment, read from document ranges by the full parse (see helmSource). */
const HELM_SOURCE_LINE = String.raw`^#\s*Source:`;

const NEEDS_FULL_PARSE = new RegExp(
  `${NODE_START}${PROPERTY}(?:(?:${BOOL_1_1}|${OCTAL_1_1}|${UNDERSCORE_NUMBER})${SCALAR_END}|(${ALIAS}))|(${HELM_SOURCE_LINE})`,
  'm',
);

export type FullParseReason = 'YAML 1.1 value' | 'alias' | 'Helm # Source:';

/** Why the text must leave the fast path for the full YAML 1.1 parse, or undefined (the benchmark prints it). */
export function fullParseReason(text: string): FullParseReason | undefined {
  const m = NEEDS_FULL_PARSE.exec(text);
  if (!m) return undefined;
  return m[1] !== undefined ? 'alias' : m[2] !== undefined ? 'Helm # Source:' : 'YAML 1.1 value';
}

/** True when the text holds a construct the fast path must leave to the full YAML 1.1 parse. */
export function needsFullParse(text: string): boolean {
  return NEEDS_FULL_PARSE.test(text);
}

/**
 * What still needs a look at the text before js-yaml reads it: aliases and Helm's `# Source:`
 * comments. YAML 1.1 values are found exactly by the schema below, while js-yaml reads the text.
 */
const ALIAS_OR_HELM = new RegExp(`${NODE_START}${PROPERTY}(${ALIAS})|(${HELM_SOURCE_LINE})`, 'm');

export function aliasOrHelmReason(text: string): FullParseReason | undefined {
  // The pattern tries every position of the text; most texts hold neither character it needs.
  if (!text.includes('*') && !text.includes('Source:')) return undefined;
  const m = ALIAS_OR_HELM.exec(text);
  if (!m) return undefined;
  return m[1] !== undefined ? 'alias' : 'Helm # Source:';
}

/** A whole plain scalar that go-yaml v2 resolves differently from js-yaml's YAML 1.2 core schema. */
const YAML11_VALUE = new RegExp(`^(?:${BOOL_1_1}|${OCTAL_1_1}|${UNDERSCORE_NUMBER})$`);
/** First characters of such a scalar; any other plain scalar is passed on without the regex. */
const YAML11_FIRST = /^[yYnNoO0-9+.-]/;

/** Thrown by the fast schema at the first YAML 1.1 value: the text takes the full parse. */
export class Yaml11ValueFound extends Error {
  constructor() {
    super('YAML 1.1 value');
  }
}

/**
 * Only plain scalars reach a schema's implicit types: not quoted ones, not block scalars, not
 * comments, not explicitly tagged ones. Tried first, this type sees every plain scalar (keys
 * included) before js-yaml's own resolvers, so "a value in a position where YAML 1.1 and 1.2
 * disagree" is decided by js-yaml's own reading of the text, not by a pattern over it.
 */
const yaml11Marker = new jsyaml.Type('tag:kube-netlint,2026:yaml11', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && YAML11_FIRST.test(data) && YAML11_VALUE.test(data),
  construct: () => {
    throw new Yaml11ValueFound();
  },
});

// @types/js-yaml does not declare a schema's type lists, which js-yaml keeps on it (schema.js).
const defaults = jsyaml.DEFAULT_SCHEMA as unknown as { implicit: jsyaml.Type[]; explicit: jsyaml.Type[] };

/** js-yaml's default schema with the YAML 1.1 marker tried first. */
export const FAST_SCHEMA = new jsyaml.Schema({ implicit: [yaml11Marker] }).extend({
  implicit: defaults.implicit,
  explicit: defaults.explicit,
});
