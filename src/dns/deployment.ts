import type { Model } from '../model/model';
import type { PodTemplate } from '../model/pods';
import { asString } from '../util/values';
import { compareVersions, corednsVersion, parseVersion } from './versions';

/** A workload running the CoreDNS image, with the version its tag names. */
export interface CorednsWorkload {
  pod: PodTemplate;
  /** Index of the CoreDNS container. */
  container: number;
  image: string;
  version: string;
}

/** Workloads in a namespace whose container runs a CoreDNS image with a version tag. */
export function corednsWorkloads(model: Model, namespace: string): CorednsWorkload[] {
  const out: CorednsWorkload[] = [];
  for (const pod of model.podsIn(namespace)) {
    if (pod.origin !== 'workload') continue;
    pod.containers.forEach((c, i) => {
      const image = asString(c.raw['image']);
      const version = image ? corednsVersion(image) : undefined;
      if (image && version) out.push({ pod, container: i, image, version });
    });
  }
  return out;
}

/** The newest version among them: the one an upgrade rolls out. */
export function newest(workloads: readonly CorednsWorkload[]): CorednsWorkload | undefined {
  let best: CorednsWorkload | undefined;
  for (const w of workloads) {
    if (!best || compareVersions(parseVersion(w.version) ?? [], parseVersion(best.version) ?? []) > 0)
      best = w;
  }
  return best;
}
