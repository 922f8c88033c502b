import { parseAllDocuments } from 'yaml';
import type { FieldPath } from '../load/types';
import type { Model } from '../model/model';
import type { KObject } from '../model/object';
import { asArray, asRecord, asString, isRecord } from '../util/values';
import { K3S_CONFIG } from '../load/k3s';
import type { Sourced } from './cluster';

/** One kubeadm configuration fragment embedded in a kind Cluster as a `kubeadmConfigPatches` string. */
interface KindPatch {
  object: KObject;
  path: FieldPath;
  kind: string;
  doc: Record<string, unknown>;
}

const cache = new WeakMap<Model, KindPatch[]>();

/**
 * The kubeadm documents a kind Cluster carries in `kubeadmConfigPatches` (cluster-wide and per node):
 * kind merges each into the kubeadm configuration of the nodes, so a `ClusterConfiguration` patch with
 * `networking.dnsDomain` or a `KubeletConfiguration` patch with `clusterDomain`/`clusterDNS` states the
 * cluster's DNS facts just as a kubeadm file would (kind docs, "Configuration: kubeadm Config Patches").
 * A patch that does not parse is skipped: kind itself reports it when the cluster is created.
 */
export function kindPatches(model: Model): readonly KindPatch[] {
  const cached = cache.get(model);
  if (cached) return cached;
  const out: KindPatch[] = [];
  for (const cluster of model.ofKind('kind.x-k8s.io', 'Cluster')) {
    const lists: [FieldPath, unknown][] = [[['kubeadmConfigPatches'], cluster.raw['kubeadmConfigPatches']]];
    asArray(cluster.raw['nodes']).forEach((n, i) =>
      lists.push([['nodes', i, 'kubeadmConfigPatches'], asRecord(n)?.['kubeadmConfigPatches']]),
    );
    for (const [base, list] of lists) {
      asArray(list).forEach((text, i) => {
        if (typeof text !== 'string') return;
        for (const d of parseAllDocuments(text, { prettyErrors: false })) {
          if (!('errors' in d) || d.errors.length > 0) continue;
          const doc: unknown = d.toJS({ maxAliasCount: 10 });
          const kind = isRecord(doc) ? asString(doc['kind']) : undefined;
          if (isRecord(doc) && kind) out.push({ object: cluster, path: [...base, i], kind, doc });
        }
      });
    }
  }
  cache.set(model, out);
  return out;
}

/** kubelet's extra args in a kubeadm Init/JoinConfiguration: a map (v1beta3) or name/value list (v1beta4). */
function kubeletExtraArg(doc: Record<string, unknown>, name: string): string | undefined {
  const extra = asRecord(doc['nodeRegistration'])?.['kubeletExtraArgs'];
  if (isRecord(extra)) return asString(extra[name]);
  for (const a of asArray(extra))
    if (asString(asRecord(a)?.['name']) === name) return asString(asRecord(a)?.['value']);
  return undefined;
}

/** k3s configuration files (config.yaml flags, see load/parse.ts). */
const k3sConfigs = (model: Model) => model.ofKind(K3S_CONFIG.group, K3S_CONFIG.kind);

/** Cluster domains stated by kind's kubeadm patches and k3s's `cluster-domain` flag. */
export function installerClusterDomains(model: Model): Sourced[] {
  const out: Sourced[] = [];
  for (const k of k3sConfigs(model)) {
    const value = asString(k.raw['cluster-domain']);
    if (value) out.push({ value, object: k, path: ['cluster-domain'] });
  }
  for (const p of kindPatches(model)) {
    const value =
      p.kind === 'ClusterConfiguration'
        ? asString(asRecord(p.doc['networking'])?.['dnsDomain'])
        : p.kind === 'KubeletConfiguration'
          ? asString(p.doc['clusterDomain'])
          : p.kind === 'InitConfiguration' || p.kind === 'JoinConfiguration'
            ? kubeletExtraArg(p.doc, 'cluster-domain')
            : undefined;
    if (value) out.push({ value, object: p.object, path: p.path });
  }
  return out;
}

/**
 * The first clusterDNS address stated by kind's kubeadm patches (kubelet config or kubelet flags) and by
 * k3s's `cluster-dns` flag.
 */
export function installerClusterDns(model: Model): Sourced[] {
  const out: Sourced[] = [];
  for (const k of k3sConfigs(model)) {
    const value = asString(k.raw['cluster-dns'])?.split(',')[0]?.trim();
    if (value) out.push({ value, object: k, path: ['cluster-dns'] });
  }
  for (const p of kindPatches(model)) {
    const value =
      p.kind === 'KubeletConfiguration'
        ? asString(asArray(p.doc['clusterDNS'])[0])
        : p.kind === 'InitConfiguration' || p.kind === 'JoinConfiguration'
          ? kubeletExtraArg(p.doc, 'cluster-dns')?.split(',')[0]?.trim()
          : undefined;
    if (value) out.push({ value, object: p.object, path: p.path });
  }
  return out;
}
