import { glob } from '../util/glob';
import * as path from 'node:path';
import type { IgnoreFinding } from '../config/types';
import type { SourceFile } from '../load/types';
import type { KObject } from '../model/object';
import type { Suppression } from './types';

/** Annotation listing rule ids to ignore on an object (`*` for all), comma-separated. */
export const IGNORE_ANNOTATION = 'kube-netlint.io/ignore';
/** Annotation giving the reason, shown as the SARIF suppression justification. */
export const IGNORE_REASON_ANNOTATION = 'kube-netlint.io/ignore-reason';

type DirectiveType = 'disable-next-line' | 'disable-line' | 'disable' | 'enable';

interface Directive {
  type: DirectiveType;
  line: number;
  /** undefined: every rule. */
  rules: Set<string> | undefined;
  reason: string | undefined;
}

// `# kube-netlint-disable-next-line rule-a, rule-b -- reason`
const DIRECTIVE = /#\s*kube-netlint-(disable-next-line|disable-line|disable|enable)\b([^\n]*)/;

function parseDirective(type: DirectiveType, rest: string, line: number): Directive {
  const [list, ...reasonParts] = rest.split(' -- ');
  const ids = (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const reason = reasonParts.join(' -- ').trim();
  return { type, line, rules: ids.length ? new Set(ids) : undefined, reason: reason || undefined };
}

function directivesOf(file: SourceFile): Directive[] {
  const out: Directive[] = [];
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
    out.push(parseDirective(type, (m[2] ?? '').replace(/\r$/, ''), i + 1));
  });
  return out;
}

function covers(d: Directive, ruleId: string): boolean {
  return d.rules === undefined || d.rules.has(ruleId);
}

/** Finds the suppressions that apply to a finding. Directives are parsed once per file. */
export class Suppressor {
  private readonly cache = new Map<SourceFile, Directive[]>();

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
      if (d.type === 'disable-next-line' && d.line === line - 1) return inSource(d);
      if (d.type === 'disable-line' && d.line === line) return inSource(d);
      if ((d.type === 'disable' || d.type === 'enable') && d.line < line)
        state = d.type === 'disable' ? d : undefined;
    }
    return state ? inSource(state) : undefined;
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
