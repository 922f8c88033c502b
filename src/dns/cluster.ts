import type { ClusterSettings } from '../config/types';
import type { FieldPath } from '../load/types';
import type { Model } from '../model/model';
import type { KObject } from '../model/object';
import { parseIp } from '../net/cidr';
import { installerClusterDomains } from './installers';
import { asArray, asRecord, asString, asStringMap, getPath } from '../util/values';

/** An address and where it is written. */
export interface Sourced {
  value: string;
  object: KObject | undefined;
  path: FieldPath;
}

/** The same address however it is written (`::1` and `0:0::1`). */
export function sameIp(a: string, b: string): boolean {
  const x = parseIp(a);
  const y = parseIp(b);
  return x !== undefined && y !== undefined && x.family === y.family && x.value === y.value;
}

export function isLoopback(ip: string): boolean {
  const p = parseIp(ip);
  if (!p) return false;
  return p.family === 4 ? p.value >> 24n === 127n : p.value === 1n;
}

/**
 * The cluster IP of the cluster DNS Service: from the config (`cluster.dns.serviceIP`), and from
 * Services in the DNS namespace named kube-dns or selecting the DNS pods' labels.
 */
export function dnsServiceIPs(model: Model, cluster: ClusterSettings): Sourced[] {
  const out: Sourced[] = [];
  if (cluster.dns.serviceIP) out.push({ value: cluster.dns.serviceIP, object: undefined, path: [] });
  const labels = Object.entries(cluster.dns.podLabels);
  for (const svc of model.ofKind('', 'Service')) {
    if (svc.namespace !== cluster.dns.namespace) continue;
    const selector = asStringMap(getPath(svc.raw, ['spec', 'selector']));
    const selects = labels.length > 0 && labels.every(([k, v]) => selector[k] === v);
    if (svc.name !== 'kube-dns' && !selects) continue;
    const ip = asString(getPath(svc.raw, ['spec', 'clusterIP']));
    if (ip && parseIp(ip)) out.push({ value: ip, object: svc, path: ['spec', 'clusterIP'] });
  }
  return out;
}

/**
 * NodeLocal DNSCache addresses: the config's `cluster.dns.nodeLocalIP`, and the `-localip` argument
 * of node-cache containers (`169.254.20.10,10.96.0.10`: the link-local address and the kube-dns IP
 * it also intercepts).
 */
export function nodeLocalIPs(model: Model, cluster: ClusterSettings): Sourced[] {
  const out: Sourced[] = [];
  if (cluster.dns.nodeLocalIP) out.push({ value: cluster.dns.nodeLocalIP, object: undefined, path: [] });
  for (const pod of model.pods) {
    if (pod.origin !== 'workload') continue;
    for (const c of pod.containers) {
      const args = asArray(c.raw['args']).map((a) => asString(a) ?? '');
      args.forEach((a, i) => {
        let value: string | undefined;
        if (a === '-localip' || a === '--localip') value = args[i + 1];
        else if (/^--?localip=/.test(a)) value = a.slice(a.indexOf('=') + 1);
        for (const ip of (value ?? '').split(','))
          if (parseIp(ip.trim()))
            out.push({ value: ip.trim(), object: pod.owner, path: [...c.path, 'args', i] });
      });
    }
  }
  return out;
}

/** KubeletConfiguration objects (kubelet.config.k8s.io), in their own files or a kubeadm config. */
export function kubeletConfigs(model: Model): readonly KObject[] {
  return model.ofKind('kubelet.config.k8s.io', 'KubeletConfiguration');
}

/**
 * The cluster domain stated by the config (`cluster.dns.clusterDomain`), kubelet (`clusterDomain`),
 * kubeadm (`networking.dnsDomain`) and kind (the same, in `kubeadmConfigPatches`) configs.
 */
export function clusterDomains(model: Model, cluster?: ClusterSettings): Sourced[] {
  const out: Sourced[] = [];
  if (cluster?.dns.clusterDomain) out.push({ value: cluster.dns.clusterDomain, object: undefined, path: [] });
  for (const k of kubeletConfigs(model)) {
    const d = asString(k.raw['clusterDomain']);
    if (d) out.push({ value: d, object: k, path: ['clusterDomain'] });
  }
  for (const c of model.ofKind('kubeadm.k8s.io', 'ClusterConfiguration')) {
    const d = asString(asRecord(c.raw['networking'])?.['dnsDomain']);
    if (d) out.push({ value: d, object: c, path: ['networking', 'dnsDomain'] });
  }
  out.push(...installerClusterDomains(model));
  return out;
}
