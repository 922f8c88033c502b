import { glob } from '../util/glob';
import * as path from 'node:path';
import type { IgnoreFinding } from '../config/types';
import type { SourceFile } from '../load/types';
import type { KObject } from '../model/object';
import { didYouMean } from '../util/suggest';
import type { Suppression } from './types';

/** Annotation listing rule ids to ignore on an object (`*` for all), comma-separated. */
export const IGNORE_ANNOTATION = 'kube-netlint.io/ignore';
/** Annotation giving the reason, shown as the SARIF suppression justification. */
export const IGNORE_REASON_ANNOTATION = 'kube-netlint.io/ignore-reason';

type DirectiveType = 'disable-next-line' | 'disable-line' | 'disable' | 'enable';

interface Directive {
  type: DirectiveType;
  line: number;
  /** 1-based columns of the comment, for reporting the directive itself. */
  column: number;
  endColumn: number;
  /** undefined: every rule. */
  rules: Set<string> | undefined;
  reason: string | undefined;
}

// `# kube-netlint-disable-next-line rule-a, rule-b -- reason`
const DIRECTIVE = /#\s*kube-netlint-(disable-next-line|disable-line|disable|enable)\b([^\n]*)/;

function parseDirective(
  type: DirectiveType,
  rest: string,
  line: number,
  column: number,
  endColumn: number,
): Directive {
  const [list, ...reasonParts] = rest.split(' -- ');
  const ids = (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const reason = reasonParts.join(' -- ').trim();
  return {
    type,
    line,
    column,
    endColumn,
    rules: ids.length ? new Set(ids) : undefined,
    reason: reason || undefined,
  };
}

function directivesOf(file: SourceFile): Directive[] {
  const out: Directive[] = [];
  if (file.noDirectives) return out; // known without reading the file (an unchanged file, --cache)
  const text = file.text;
  if (!text.includes('kube-netlint-')) return out;
  const lines = text.split('\n');
  lines.forEach((content, i) => {
    const m = DIRECTIVE.exec(content);
    if (!m) return;
    const type = m[1] as DirectiveType;
    // A whole-line comment for next-line and block directives; a trailing one for disable-line.
    const before = content.slice(0, m.index);
    if (type !== 'disable-line' && before.trim() !== '') return;
    const text = content.replace(/\r$/, '');
    out.push(parseDirective(type, (m[2] ?? '').replace(/\r$/, ''), i + 1, m.index + 1, text.length + 1));
  });
  return out;
}

function covers(d: Directive, ruleId: string): boolean {
  return d.rules === undefined || d.rules.has(ruleId);
}

/** Finds the suppressions that apply to a finding. Directives are parsed once per file. */
/** A comment directive that does nothing: a rule id that is not a rule, or nothing suppressed. */
export interface DirectiveProblem {
  file: SourceFile;
  line: number;
  column: number;
  endColumn: number;
  message: string;
}

export class Suppressor {
  private readonly cache = new Map<SourceFile, Directive[]>();
  /** Rule ids each directive suppressed a finding of. */
  private readonly used = new Map<Directive, Set<string>>();

  constructor(
    private readonly ignoreFindings: readonly IgnoreFinding[],
    private readonly configFile: string | undefined,
    private readonly configBase: string,
  ) {}

  private fileDirectives(file: SourceFile): Directive[] {
    let d = this.cache.get(file);
    if (!d) {
      d = directivesOf(file);
      this.cache.set(file, d);
    }
    return d;
  }

  fromComments(file: SourceFile | undefined, line: number, ruleId: string): Suppression | undefined {
    if (!file) return undefined;
    let state: Directive | undefined;
    for (const d of this.fileDirectives(file)) {
      if (!covers(d, ruleId)) continue;
      if (d.type === 'disable-next-line' && d.line === line - 1) return this.use(d, ruleId);
      if (d.type === 'disable-line' && d.line === line) return this.use(d, ruleId);
      if ((d.type === 'disable' || d.type === 'enable') && d.line < line)
        state = d.type === 'disable' ? d : undefined;
    }
    return state ? this.use(state, ruleId) : undefined;
  }

  private use(d: Directive, ruleId: string): Suppression {
    const ids = this.used.get(d) ?? new Set<string>();
    ids.add(ruleId);
    this.used.set(d, ids);
    return inSource(d);
  }

  /**
   * Directives that do nothing, as ESLint's --report-unused-disable-directives and ruff's RUF100
   * report them: an id that names no rule (with the closest one), an id of a rule that ran and
   * reported nothing there, a directive for all rules that suppressed nothing. Ids of rules that
   * did not run (turned off, not selected) are not judged.
   */
  directiveProblems(
    files: Iterable<SourceFile>,
    ran: ReadonlySet<string>,
    known: ReadonlySet<string>,
  ): DirectiveProblem[] {
    const out: DirectiveProblem[] = [];
    for (const file of files) {
      for (const d of this.fileDirectives(file)) {
        if (d.type === 'enable') continue;
        const where = { file, line: d.line, column: d.column, endColumn: d.endColumn };
        const used = this.used.get(d);
        const name = `kube-netlint-${d.type}`;
        if (d.rules === undefined) {
          if (!used)
            out.push({ ...where, message: `${name} (all rules) suppresses nothing here; remove it.` });
          continue;
        }
        for (const id of d.rules) {
          if (!known.has(id)) {
            const hint = didYouMean(id, known);
            out.push({
              ...where,
              message: `${name} names '${id}', which is not a rule${hint || " (see 'kube-netlint rules')"}; it suppresses nothing.`,
            });
          } else if (ran.has(id) && !used?.has(id)) {
            out.push({
              ...where,
              message: `${name} ${id} suppresses nothing here: the rule reports nothing on it. Remove it.`,
            });
          }
        }
      }
    }
    return out;
  }

  fromAnnotation(obj: KObject | undefined, ruleId: string): Suppression | undefined {
    const value = obj?.annotations[IGNORE_ANNOTATION];
    if (value === undefined) return undefined;
    const ids = value.split(',').map((s) => s.trim());
    if (!ids.includes(ruleId) && !ids.includes('*')) return undefined;
    return {
      kind: 'inSource',
      justification: obj?.annotations[IGNORE_REASON_ANNOTATION],
      via: `annotation ${IGNORE_ANNOTATION}`,
    };
  }

  fromConfig(obj: KObject | undefined, absPath: string | undefined, ruleId: string): Suppression | undefined {
    for (const rule of this.ignoreFindings) {
      if (rule.rule !== undefined && rule.rule !== '*' && rule.rule !== ruleId) continue;
      if (rule.kind !== undefined && rule.kind !== obj?.kind) continue;
      if (rule.namespace !== undefined && rule.namespace !== obj?.namespace) continue;
      if (rule.name !== undefined && rule.name !== obj?.name) continue;
      if (rule.file !== undefined) {
        if (!absPath) continue;
        const rel = path.relative(this.configBase, absPath).split(path.sep).join('/');
        if (!glob(rule.file).match(rel)) continue;
      }
      return {
        kind: 'external',
        justification: rule.reason,
        via: `ignoreFindings in ${this.configFile ? path.basename(this.configFile) : 'config'}`,
      };
    }
    return undefined;
  }
}

function inSource(d: Directive): Suppression {
  return {
    kind: 'inSource',
    justification: d.reason,
    via: `comment kube-netlint-${d.type} on line ${d.line}`,
  };
}
