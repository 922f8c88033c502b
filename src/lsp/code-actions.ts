import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver/node';
import { IGNORE_ANNOTATION, IGNORE_REASON_ANNOTATION } from '../engine/suppress';
import type { SourceFile } from '../load/types';
import type { KObject } from '../model/object';
import type { DiagnosticData } from './diagnostics';

/** The reason left for the author to write, in the directive and in the annotation. */
export const REASON_PLACEHOLDER = 'reason';

function dataOf(d: Diagnostic): DiagnosticData | undefined {
  const data = d.data as Partial<DiagnosticData> | undefined;
  return typeof data?.ruleId === 'string' ? (data as DiagnosticData) : undefined;
}

function position(file: SourceFile, offset: number): { line: number; character: number } {
  const p = file.lineCounter.linePos(offset);
  return { line: p.line - 1, character: p.col - 1 };
}

/** Leading blanks of a 0-based line. */
function indentOf(text: string, line: number): string {
  return /^[ \t]*/.exec(text.split('\n')[line] ?? '')?.[0] ?? '';
}

/**
 * `# kube-netlint-disable-next-line RULE -- reason` above the diagnostic's first line, which is the
 * line the engine matches a directive against (engine/suppress.ts).
 */
function disableLine(uri: string, text: string, d: Diagnostic, ruleId: string): CodeAction {
  const line = d.range.start.line;
  const comment = `${indentOf(text, line)}# kube-netlint-disable-next-line ${ruleId} -- ${REASON_PLACEHOLDER}\n`;
  return {
    title: `Disable ${ruleId} for this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    edit: {
      changes: {
        [uri]: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: comment }],
      },
    },
  };
}

/**
 * The `kube-netlint.io/ignore` annotation on the object, added to a block `metadata` (a flow map or
 * a JSON file is left alone: rewriting it is not a one-line insert). An existing ignore list gets
 * the rule appended.
 */
function annotationEdit(obj: KObject, ruleId: string): TextEdit | undefined {
  const doc = obj.doc.ast();
  const file = obj.doc.file;
  const meta = doc.getIn([...obj.doc.basePath, 'metadata'], true) as Node | undefined;
  if (!isMap(meta) || meta.flow || !meta.items.length) return undefined;
  const annotations = meta.get('annotations', true) as Node | undefined;
  if (isMap(annotations) && !annotations.flow && annotations.items.length) {
    const existing = (annotations as YAMLMap).items.find(
      (p) => isScalar(p.key) && p.key.value === IGNORE_ANNOTATION,
    );
    if (existing) {
      const value = existing.value;
      if (!isScalar(value) || !value.range) return undefined;
      return {
        range: { start: position(file, value.range[0]), end: position(file, value.range[1]) },
        newText: JSON.stringify(`${String(value.value)},${ruleId}`),
      };
    }
    const first = annotations.items[0]?.key as Node | undefined;
    if (!first?.range) return undefined;
    const at = position(file, first.range[0]);
    const indent = ' '.repeat(at.character);
    const reason = annotations.has(IGNORE_REASON_ANNOTATION)
      ? ''
      : `${indent}${IGNORE_REASON_ANNOTATION}: ${REASON_PLACEHOLDER}\n`;
    return {
      range: { start: { line: at.line, character: 0 }, end: { line: at.line, character: 0 } },
      newText: `${indent}${IGNORE_ANNOTATION}: ${ruleId}\n${reason}`,
    };
  }
  // A flow map, an empty `annotations: {}` or `annotations:` with no value: not rewritten.
  if (annotations !== undefined) return undefined;
  const first = meta.items[0]?.key as Node | undefined;
  if (!first?.range) return undefined;
  const at = position(file, first.range[0]);
  const indent = ' '.repeat(at.character);
  return {
    range: { start: { line: at.line, character: 0 }, end: { line: at.line, character: 0 } },
    newText:
      `${indent}annotations:\n${indent}  ${IGNORE_ANNOTATION}: ${ruleId}\n` +
      `${indent}  ${IGNORE_REASON_ANNOTATION}: ${REASON_PLACEHOLDER}\n`,
  };
}

/**
 * The code actions for the diagnostics of a range: each rule's own fix as the preferred quick fix,
 * then disabling the rule on the line (comment directive) or for the object (annotation).
 */
export function codeActions(
  uri: string,
  text: string,
  diagnostics: readonly Diagnostic[],
  objectById: (id: string) => KObject | undefined,
): CodeAction[] {
  const fixes: CodeAction[] = [];
  const disables: CodeAction[] = [];
  for (const d of diagnostics) {
    const data = dataOf(d);
    if (!data) continue;
    if (data.fix)
      fixes.push({
        title: data.fix.description,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: true,
        edit: { changes: { [uri]: [{ range: data.fix.range, newText: data.fix.text }] } },
      });
    // Directives and annotations apply to findings about objects; a file that does not parse has
    // no object to annotate, and its parse error is fixed by fixing the file.
    if (data.objectId === undefined) continue;
    disables.push(disableLine(uri, text, d, data.ruleId));
    const obj = objectById(data.objectId);
    const edit = obj && obj.doc.file.absPath !== undefined ? annotationEdit(obj, data.ruleId) : undefined;
    if (edit && obj)
      disables.push({
        title: `Disable ${data.ruleId} for ${obj.kind} ${obj.name} (annotation)`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        edit: { changes: { [uri]: [edit] } },
      });
  }
  return [...fixes, ...disables];
}
