import type * as Sarif from 'sarif';
import { buildSarif, type SarifOptions } from './sarif';

/**
 * A SARIF log for a run that could not lint (bad config, bad input option): no results, and the
 * failure in `invocations[0]` (executionSuccessful false, one error notification). A workflow's
 * upload step, which runs `if: always()`, then uploads a valid file and code scanning shows why.
 */
export function buildFailureSarif(message: string, opts: SarifOptions): Sarif.Log {
  const log = buildSarif([], opts);
  const run = log.runs[0] as Sarif.Run;
  run.invocations = [
    {
      executionSuccessful: false,
      toolExecutionNotifications: [{ level: 'error', message: { text: message } }],
    },
  ];
  return log;
}

export function formatFailureSarif(message: string, opts: SarifOptions): string {
  return JSON.stringify(buildFailureSarif(message, opts), null, 2) + '\n';
}
