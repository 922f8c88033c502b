// The Action's connectivity diff: when a pull request touches policies or workloads, the job summary
// lists the connections it opens, closes or changes (`kube-netlint reach --diff BASE`), so reviewers
// see the connectivity impact next to the findings.
import * as path from 'node:path';
import type { Config } from '../config/types';
import { lint } from '../lint';
import { changedFiles } from '../load/git';
import type { Model } from '../model/model';
import { allPoliciesOf } from '../netpol/dialects';
import { baseTree } from '../reach/base-tree';
import { diffMarkdown, diffReach } from '../reach/diff';
import { buildReachMap } from '../reach/map';

/** The most changed connections the summary lists (GitHub caps a job summary at 1 MiB). */
const MAX_ROWS = 200;

/** Files (absolute) that hold a policy or a workload's pod template. */
function policyAndWorkloadFiles(model: Model): Set<string> {
  const files = new Set<string>();
  for (const p of allPoliciesOf(model)) if (p.obj.doc.file.absPath) files.add(p.obj.doc.file.absPath);
  for (const pod of model.pods)
    if (pod.origin === 'workload' && pod.owner.doc.file.absPath) files.add(pod.owner.doc.file.absPath);
  return files;
}

/**
 * The Markdown section, or undefined when the pull request touches no policy or workload file (in
 * the head, or in the base: a deleted policy counts).
 */
export async function reachDiffSummary(
  workspace: string,
  base: string,
  paths: string[],
  config: Config,
  head: Model,
): Promise<string | undefined> {
  const changed = changedFiles(workspace, base);
  const tree = baseTree(workspace, base);
  try {
    const before = await lint({ inputs: paths.map((p) => tree.map(p)), cwd: tree.map('.'), config, rules: [] });
    const inHead = [...policyAndWorkloadFiles(head)].some((f) => changed.has(f));
    // A base file is touched when the pull request changed or deleted it.
    const headFiles = new Set(head.objects.map((o) => o.doc.file.absPath));
    const inBase = [...policyAndWorkloadFiles(before.model)]
      .map((f) => path.resolve(tree.top, path.relative(tree.root, f)))
      .some((f) => changed.has(f) || !headFiles.has(f));
    if (!inHead && !inBase) return undefined;
    const changes = diffReach(
      buildReachMap(before.model, config.cluster).edges,
      buildReachMap(head, config.cluster).edges,
    );
    return `\n${diffMarkdown(changes, 'Connectivity changes (kube-netlint reach --diff)', MAX_ROWS)}`;
  } finally {
    tree.dispose();
  }
}
