import type { RuleContext, Severity } from '../engine/types';
import type { CorefileSource } from './source';

/** Reports a finding at a position of a Corefile held in a ConfigMap: the directive's line in the YAML file. */
export function reportInCorefile(
  ctx: RuleContext,
  src: CorefileSource,
  at: { line: number; col: number; length?: number },
  message: string,
  severity?: Severity,
): void {
  const region = src.regionAt(at.line, at.col, Math.max(1, at.length ?? 1));
  const where = region ? '' : ` (Corefile line ${at.line + 1})`;
  ctx.report({
    object: src.object,
    path: ['data', src.key],
    message: `${message}${where}`,
    ...(severity ? { severity } : {}),
    ...(region ? { region } : {}),
  });
}
