import type { Finding, Severity } from '../engine/types';

export interface RunStats {
  files: number;
  objects: number;
}

export interface Counts {
  error: number;
  warning: number;
  note: number;
  suppressed: number;
}

export function countFindings(findings: readonly Finding[]): Counts {
  const counts: Counts = { error: 0, warning: 0, note: 0, suppressed: 0 };
  for (const f of findings) {
    if (f.suppressions.length) counts.suppressed++;
    else counts[f.severity]++;
  }
  return counts;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'note'];
