import * as path from 'node:path';
import { asArray, asRecord, asString, isRecord } from '../util/values';
import type { ManifestDoc } from './types';

const KUSTOMIZE_GROUP = 'kustomize.config.k8s.io';

/**
 * Kustomize patches are fragments of objects, not objects: `$patch: delete` stubs, or a Deployment
 * carrying only the env it adds. Linting them as objects reports a workload without labels or
 * selector. We drop documents that kustomize treats as patches: those referenced as patch files by
 * a Kustomization or Component in the input, and those with a top-level `$patch` directive.
 */
export function withoutKustomizePatches(docs: readonly ManifestDoc[]): ManifestDoc[] {
  const patchFiles = new Set<string>();
  for (const doc of docs) {
    const v = doc.value;
    const apiVersion = asString(v['apiVersion']) ?? '';
    if (!apiVersion.startsWith(KUSTOMIZE_GROUP + '/') || !doc.file.absPath) continue;
    const dir = path.dirname(doc.file.absPath);
    const add = (p: unknown) => {
      const rel = asString(p);
      if (rel && !rel.includes('://')) patchFiles.add(path.resolve(dir, rel));
    };
    for (const p of asArray(v['patches'])) add(isRecord(p) ? p['path'] : p);
    for (const p of asArray(v['patchesStrategicMerge'])) add(p);
    for (const p of asArray(v['patchesJson6902'])) add(asRecord(p)?.['path']);
  }
  return docs.filter((d) => {
    if (d.value['$patch'] !== undefined) return false;
    return !(d.file.absPath && patchFiles.has(d.file.absPath));
  });
}
