import * as path from 'node:path';
import type { Model } from '../model/model';
import type { KObject } from '../model/object';
import { declaredRanges, type DeclaredRange } from './ranges';

const cache = new WeakMap<Model, DeclaredRange[]>();

/** The parsable ranges the input and config declare; computed once per model. */
export function clusterRanges(model: Model): DeclaredRange[] {
  let r = cache.get(model);
  if (!r) {
    r = declaredRanges(model).filter((x) => x.cidr !== undefined);
    cache.set(model, r);
  }
  return r;
}

function dir(o: KObject): string {
  return path.posix.dirname(o.doc.file.path);
}

/**
 * Whether two declarations describe the same cluster, so that comparing them means something. The
 * config describes the user's cluster and meets everything; otherwise declarations must share a file,
 * or a folder unless both are whole-cluster documents (kind or kubeadm configs side by side are
 * separate clusters, and install variants in sibling folders are separate installs).
 */
export function sameCluster(a: DeclaredRange, b: DeclaredRange): boolean {
  if (a.fromConfig || b.fromConfig) return true;
  if (a.object.doc.file === b.object.doc.file)
    return !(a.clusterDoc && b.clusterDoc && a.object !== b.object);
  return dir(a.object) === dir(b.object) && !(a.clusterDoc && b.clusterDoc);
}

/** Ranges of a role that apply to an object: the config's, and those declared beside it. */
export function rangesFor(model: Model, obj: KObject, role: DeclaredRange['role']): DeclaredRange[] {
  return clusterRanges(model).filter(
    (r) =>
      r.role === role && (r.fromConfig || r.object.doc.file === obj.doc.file || dir(r.object) === dir(obj)),
  );
}
