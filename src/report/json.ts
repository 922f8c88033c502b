import type { Finding } from '../engine/types';
import { jsonSafe } from './safe-text';
import { countFindings, type RunStats } from './summary';

/**
 * The JSON report. Its shape is documented in docs/json-format.md and versioned by
 * `formatVersion`: fields are only ever added within a version.
 */
export function formatJson(findings: readonly Finding[], stats: RunStats, version: string): string {
  const counts = countFindings(findings);
  const out = {
    formatVersion: 1,
    tool: { name: 'kube-netlint', version },
    summary: {
      errors: counts.error,
      warnings: counts.warning,
      notes: counts.note,
      suppressed: counts.suppressed,
      files: stats.files,
      objects: stats.objects,
    },
    findings: findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      file: f.location.file,
      region: f.location.region,
      rendered: f.location.rendered
        ? { file: f.location.rendered.file, region: f.location.rendered.region }
        : null,
      object: f.object ?? null,
      path: f.path ?? null,
      related: f.related.map((r) => ({
        file: r.location.file,
        region: r.location.region,
        message: r.message,
        objectId: r.objectId ?? null,
      })),
      suppressed: f.suppressions.length > 0,
      suppressions: f.suppressions,
      fingerprint: f.fingerprint,
      fix: f.fix ?? null,
    })),
  };
  return jsonSafe(JSON.stringify(out, null, 2)) + '\n';
}
