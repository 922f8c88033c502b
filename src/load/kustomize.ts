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

interface KustomizationNode {
  namespace: string | undefined;
  /** Absolute paths of listed files and of listed folders (each a kustomization of its own). */
  entries: string[];
}

function kustomizationsOf(docs: readonly ManifestDoc[]): Map<string, KustomizationNode> {
  const byDir = new Map<string, KustomizationNode>();
  for (const doc of docs) {
    const v = doc.value;
    if (!(asString(v['apiVersion']) ?? '').startsWith(KUSTOMIZE_GROUP + '/') || !doc.file.absPath) continue;
    const dir = path.dirname(doc.file.absPath);
    const entries: string[] = [];
    for (const field of ['resources', 'bases', 'components']) {
      for (const e of asArray(v[field])) {
        const rel = asString(e);
        // Remote bases (URLs, git references) are not in the input.
        if (rel && !rel.includes('://') && !rel.startsWith('git@') && !rel.startsWith('github.com/'))
          entries.push(path.resolve(dir, rel));
      }
    }
    const ns = asString(v['namespace']);
    byDir.set(dir, { namespace: ns === '' ? undefined : ns, entries });
  }
  return byDir;
}

/**
 * What namespace `kustomize build` gives the objects of each listed file. The namespace
 * transformer of the outermost kustomization that sets one wins (an overlay's `namespace:`
 * replaces its base's), so it is carried down from every root (a kustomization that no other one in
 * the input lists). A file reached with one namespace gets it; a file whose overlays disagree
 * (dev and prod of one base) keeps what it says and is marked uncertain.
 */
export function applyKustomizeNamespaces(docs: readonly ManifestDoc[]): void {
  const nodes = kustomizationsOf(docs);
  if (nodes.size === 0) return;
  const listed = new Set<string>();
  for (const node of nodes.values()) for (const e of node.entries) if (nodes.has(e)) listed.add(e);
  // Per file: the namespaces it is built with ('' for "as written").
  const candidates = new Map<string, Set<string>>();
  const visit = (dir: string, outer: string | undefined, stack: Set<string>): void => {
    const node = nodes.get(dir);
    if (!node || stack.has(dir)) return;
    stack.add(dir);
    const ns = outer ?? node.namespace;
    for (const entry of node.entries) {
      if (nodes.has(entry)) visit(entry, ns, stack);
      else {
        const set = candidates.get(entry) ?? new Set<string>();
        set.add(ns ?? '');
        candidates.set(entry, set);
      }
    }
    stack.delete(dir);
  };
  for (const dir of nodes.keys()) if (!listed.has(dir)) visit(dir, undefined, new Set());
  for (const doc of docs) {
    const set = doc.file.absPath ? candidates.get(doc.file.absPath) : undefined;
    if (!set) continue;
    if (set.size === 1) {
      const only = [...set][0];
      if (only) doc.kustomizeNamespace = only;
    } else doc.namespaceUncertain = true;
  }
}

/** The documents as `kustomize build` would see them: patches dropped, namespaces applied. */
export function kustomized(docs: readonly ManifestDoc[]): ManifestDoc[] {
  const kept = withoutKustomizePatches(docs);
  applyKustomizeNamespaces(kept);
  return kept;
}
