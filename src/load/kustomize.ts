import * as path from 'node:path';
import { asArray, asRecord, asString, isRecord, type JsonObject } from '../util/values';
import { strategicMerge } from './strategic-merge';
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
  // Files beside a kustomization that it does not list are not part of its build (commented-out
  // kubebuilder patches, alternatives); `kubectl apply -k` never sees them.
  const listedIn = new Map<string, Set<string>>();
  for (const [dir, node] of kustomizationsOf(docs)) listedIn.set(dir, new Set(node.entries));
  const inTree = (abs: string): boolean => {
    for (let dir = path.dirname(abs); ;) {
      if (listedIn.has(dir)) return true;
      const parent = path.dirname(dir);
      if (parent === dir) return false;
      dir = parent;
    }
  };
  return docs.filter((d) => {
    if (d.value['$patch'] !== undefined) return false;
    const abs = d.file.absPath;
    if (!abs) return true;
    if (patchFiles.has(abs)) return false;
    const listed = listedIn.get(path.dirname(abs));
    if (listed && !listed.has(abs) && !isKustomization(d)) return false;
    // A workload without containers cannot be applied on its own (the API requires them): inside a
    // kustomize tree it is a patch fragment (`patches/add_service_account.yaml`), even unreferenced.
    return !(listedIn.size > 0 && isContainerlessWorkload(d.value) && inTree(abs));
  });
}

const FRAGMENT_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

function isContainerlessWorkload(v: JsonObject): boolean {
  if (!FRAGMENT_KINDS.has(asString(v['kind']) ?? '')) return false;
  const podSpec = asRecord(asRecord(asRecord(v['spec'])?.['template'])?.['spec']);
  return asArray(podSpec?.['containers']).length === 0;
}

function isKustomization(doc: ManifestDoc): boolean {
  return (asString(doc.value['apiVersion']) ?? '').startsWith(KUSTOMIZE_GROUP + '/');
}

interface LabelSet {
  pairs: Record<string, string>;
  /** Added to selectors too (commonLabels, or labels with includeSelectors). */
  selectors: boolean;
  /** Added to pod templates (commonLabels, includeSelectors or includeTemplates). */
  templates: boolean;
}

interface KustomizationNode {
  namespace: string | undefined;
  labels: LabelSet[];
  /** Absolute paths of listed files and of listed folders (each a kustomization of its own). */
  entries: string[];
}

function stringMap(value: unknown): Record<string, string> | undefined {
  const r = asRecord(value);
  if (!r) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) if (typeof v === 'string') out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

function kustomizationsOf(docs: readonly ManifestDoc[]): Map<string, KustomizationNode> {
  const byDir = new Map<string, KustomizationNode>();
  for (const doc of docs) {
    const v = doc.value;
    if (!(asString(v['apiVersion']) ?? '').startsWith(KUSTOMIZE_GROUP + '/') || !doc.file.absPath) continue;
    const dir = path.dirname(doc.file.absPath);
    const entries: string[] = [];
    for (const field of ['resources', 'bases', 'components', 'crds']) {
      for (const e of asArray(v[field])) {
        const rel = asString(e);
        // Remote bases (URLs, git references) are not in the input.
        if (rel && !rel.includes('://') && !rel.startsWith('git@') && !rel.startsWith('github.com/'))
          entries.push(path.resolve(dir, rel));
      }
    }
    const ns = asString(v['namespace']);
    const labels: LabelSet[] = [];
    const common = stringMap(v['commonLabels']);
    if (common) labels.push({ pairs: common, selectors: true, templates: true });
    for (const l of asArray(v['labels'])) {
      const r = asRecord(l);
      const pairs = stringMap(r?.['pairs']);
      if (!r || !pairs) continue;
      const selectors = r['includeSelectors'] === true;
      labels.push({ pairs, selectors, templates: selectors || r['includeTemplates'] === true });
    }
    byDir.set(dir, { namespace: ns === '' ? undefined : ns, labels, entries });
  }
  return byDir;
}

/**
 * What namespace `kustomize build` gives the objects of each listed file. The namespace
 * transformer of the outermost kustomization that sets one wins (an overlay's `namespace:`
 * replaces its base's), so it is carried down from every root (a kustomization that no other one in
 * the input lists). A file reached with one namespace gets it; a file whose overlays disagree
 * (dev and prod of one base) gets the first overlay's and is marked uncertain.
 */
export function applyKustomizeNamespaces(docs: readonly ManifestDoc[]): void {
  const nodes = kustomizationsOf(docs);
  if (nodes.size === 0) return;
  const listed = new Set<string>();
  for (const node of nodes.values()) for (const e of node.entries) if (nodes.has(e)) listed.add(e);
  // Per file: the namespaces it is built with ('' for "as written"), and the label sets added.
  const candidates = new Map<string, Set<string>>();
  const labelsFor = new Map<string, LabelSet[][]>();
  const visit = (
    dir: string,
    outer: string | undefined,
    outerLabels: LabelSet[],
    stack: Set<string>,
  ): void => {
    const node = nodes.get(dir);
    if (!node || stack.has(dir)) return;
    stack.add(dir);
    const ns = outer ?? node.namespace;
    // The inner kustomization's labels are applied first, the outer ones on top.
    const labels = [...node.labels, ...outerLabels];
    for (const entry of node.entries) {
      if (nodes.has(entry)) visit(entry, ns, labels, stack);
      else {
        const set = candidates.get(entry) ?? new Set<string>();
        set.add(ns ?? '');
        candidates.set(entry, set);
        labelsFor.set(entry, [...(labelsFor.get(entry) ?? []), labels]);
      }
    }
    stack.delete(dir);
  };
  for (const dir of nodes.keys()) if (!listed.has(dir)) visit(dir, undefined, [], new Set());
  for (const doc of docs) {
    const set = doc.file.absPath ? candidates.get(doc.file.absPath) : undefined;
    if (!set) continue;
    // Overlays that disagree: the first one's namespace, so that the files of one base stay
    // together (they share their overlays); the namespace is marked as not proven by the input.
    const chosen = [...set].find((ns) => ns !== '');
    if (chosen) doc.kustomizeNamespace = chosen;
    // Several overlays, or none that sets a namespace: in kustomize layouts the namespace a base
    // writes (kubebuilder's `namespace: system`) is a placeholder an overlay replaces, so what the
    // file says is not final either.
    if (set.size > 1 || set.has('')) doc.namespaceUncertain = true;
    // Labels every build of the file adds; a label only some overlays add is left out.
    const builds = labelsFor.get(doc.file.absPath as string) ?? [];
    const first = builds[0];
    if (first && builds.every((b) => JSON.stringify(b) === JSON.stringify(first)))
      for (const l of first) addLabels(doc.value, l);
  }
}

function mergeInto(parent: JsonObject, key: string, pairs: Record<string, string>, create: boolean): void {
  const existing = asRecord(parent[key]);
  if (!existing && !create) return;
  parent[key] = { ...(existing ?? {}), ...pairs };
}

function child(parent: JsonObject | undefined, key: string, create: boolean): JsonObject | undefined {
  if (!parent) return undefined;
  const existing = asRecord(parent[key]);
  if (existing || !create) return existing;
  const made: JsonObject = {};
  parent[key] = made;
  return made;
}

const BUILTIN_WITHOUT_TEMPLATE_LABELS = new Set(['PodTemplate']);
const WORKLOADS = new Set([
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'ReplicationController',
]);

/**
 * Kustomize's label transformer, for the fields networking depends on (its default field specs
 * for commonLabels: metadata.labels everywhere; workload selectors and pod templates, created when
 * absent; Service selectors, NetworkPolicy and PodDisruptionBudget selectors where present).
 */
function addLabels(value: JsonObject, l: LabelSet): void {
  const meta = child(value, 'metadata', true) as JsonObject;
  mergeInto(meta, 'labels', l.pairs, true);
  const kind = asString(value['kind']) ?? '';
  const spec = asRecord(value['spec']);
  if (!spec) return;
  if (WORKLOADS.has(kind)) {
    if (l.selectors && kind !== 'ReplicationController')
      mergeInto(child(spec, 'selector', true) as JsonObject, 'matchLabels', l.pairs, true);
    if (l.selectors && kind === 'ReplicationController') mergeInto(spec, 'selector', l.pairs, true);
    if (l.templates)
      mergeInto(
        child(child(spec, 'template', true), 'metadata', true) as JsonObject,
        'labels',
        l.pairs,
        true,
      );
  } else if (isRecord(spec['template']) && !BUILTIN_WITHOUT_TEMPLATE_LABELS.has(kind)) {
    // A custom resource with a pod template (Argo Rollout and the like): kustomize labels it when
    // the project ships a `configurations:` entry for it (Argo Rollouts does). Labelling it here
    // can only hide a mismatch, never invent one.
    const sel = asRecord(spec['selector']);
    if (l.selectors && sel) mergeInto(sel, 'matchLabels', l.pairs, true);
    if (l.templates)
      mergeInto(
        child(spec['template'] as JsonObject, 'metadata', true) as JsonObject,
        'labels',
        l.pairs,
        true,
      );
  } else if (kind === 'CronJob') {
    const template = child(child(child(spec, 'jobTemplate', false), 'spec', false), 'template', false);
    if (l.templates && template)
      mergeInto(child(template, 'metadata', true) as JsonObject, 'labels', l.pairs, true);
  } else if (kind === 'Service' && l.selectors) {
    mergeInto(spec, 'selector', l.pairs, false);
  } else if (kind === 'NetworkPolicy' && l.selectors) {
    const ps = asRecord(spec['podSelector']);
    if (ps) mergeInto(ps, 'matchLabels', l.pairs, false);
  } else if (kind === 'PodDisruptionBudget' && l.selectors) {
    const sel = asRecord(spec['selector']);
    if (sel) mergeInto(sel, 'matchLabels', l.pairs, false);
  }
}

/** Files each kustomization builds: what it lists, and what the kustomizations it lists build. */
function builtFiles(nodes: Map<string, KustomizationNode>): Map<string, Set<string>> {
  const memo = new Map<string, Set<string>>();
  const of = (dir: string, stack: Set<string>): Set<string> => {
    const done = memo.get(dir);
    if (done) return done;
    const out = new Set<string>();
    if (stack.has(dir)) return out;
    stack.add(dir);
    for (const e of nodes.get(dir)?.entries ?? []) {
      if (nodes.has(e)) for (const f of of(e, stack)) out.add(f);
      else out.add(e);
    }
    stack.delete(dir);
    memo.set(dir, out);
    return out;
  };
  for (const dir of nodes.keys()) of(dir, new Set());
  return memo;
}

/**
 * Strategic merge patches of a kustomization, applied to the objects it builds (same kind and
 * name): a kubebuilder patch adds the container, port or label that the base lacks, and a rule
 * checking the base alone would report it missing.
 */
function applyStrategicMergePatches(docs: readonly ManifestDoc[]): void {
  const nodes = kustomizationsOf(docs);
  if (nodes.size === 0) return;
  const built = builtFiles(nodes);
  const byFile = new Map<string, ManifestDoc[]>();
  for (const d of docs)
    if (d.file.absPath) byFile.set(d.file.absPath, [...(byFile.get(d.file.absPath) ?? []), d]);
  for (const doc of docs) {
    if (!isKustomization(doc) || !doc.file.absPath) continue;
    const dir = path.dirname(doc.file.absPath);
    const patchFiles = [
      ...asArray(doc.value['patchesStrategicMerge']).map(asString),
      ...asArray(doc.value['patches']).map((p) =>
        isRecord(p) && p['target'] === undefined ? asString(p['path']) : undefined,
      ),
    ].flatMap((rel) => (rel && !rel.includes('://') ? [path.resolve(dir, rel)] : []));
    const targets = [...(built.get(dir) ?? [])].flatMap((f) => byFile.get(f) ?? []);
    for (const file of patchFiles) {
      for (const patch of byFile.get(file) ?? []) {
        const name = asString(asRecord(patch.value['metadata'])?.['name']);
        const kind = asString(patch.value['kind']);
        for (const t of targets) {
          if (t.value['kind'] === kind && asString(asRecord(t.value['metadata'])?.['name']) === name)
            strategicMerge(t.value, patch.value);
        }
      }
    }
  }
}

/** The documents as `kustomize build` would see them: patches applied and dropped, namespaces applied. */
export function kustomized(docs: readonly ManifestDoc[]): ManifestDoc[] {
  applyStrategicMergePatches(docs);
  const kept = withoutKustomizePatches(docs);
  applyKustomizeNamespaces(kept);
  return kept;
}
