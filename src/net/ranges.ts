// Where a repository of cluster configuration declares address ranges, read into one list. Each
// range remembers its declaration (object and field) so findings can point at both ends.
import type { FieldPath } from '../load/types';
import type { Model } from '../model/model';
import type { KObject } from '../model/object';
import { asArray, asRecord, asString, getPath, isRecord } from '../util/values';
import { K3S_CONFIG } from '../load/k3s';
import { parseCidr, type Cidr } from './cidr';

export type RangeRole = 'pod' | 'service' | 'node' | 'loadbalancer';

export interface DeclaredRange {
  /** The text of this one range (a comma-separated field yields several). */
  text: string;
  cidr: Cidr | undefined;
  role: RangeRole;
  /** `declared`: the cluster's own setting; `pool`: a CNI's allocation pool. */
  kind: 'declared' | 'pool';
  /** Human name of the source, e.g. "kubeadm ClusterConfiguration networking.podSubnet". */
  source: string;
  /** What kind of source, for telling two IPPools from an IPPool and the same pool in an env var. */
  sourceType: string;
  object: KObject;
  path: FieldPath;
  /** kind Cluster and kubeadm ClusterConfiguration documents each describe one whole cluster. */
  clusterDoc: boolean;
  fromConfig: boolean;
}

/** A single IP a rule reads (clusterIP, externalIPs, cluster DNS). */
export interface DeclaredIp {
  text: string;
  object: KObject;
  path: FieldPath;
  source: string;
}

function split(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

interface Collector {
  out: DeclaredRange[];
  add(
    object: KObject,
    path: FieldPath,
    value: unknown,
    role: RangeRole,
    kind: 'declared' | 'pool',
    source: string,
    sourceType: string,
    clusterDoc?: boolean,
  ): void;
}

function collector(fromConfig: (o: KObject) => boolean): Collector {
  const out: DeclaredRange[] = [];
  return {
    out,
    add(object, path, value, role, kind, source, sourceType, clusterDoc = false) {
      const text = asString(value);
      if (text === undefined) return;
      for (const part of split(text)) {
        out.push({
          text: part,
          cidr: parseCidr(part),
          role,
          kind,
          source,
          sourceType,
          object,
          path,
          clusterDoc,
          fromConfig: fromConfig(object),
        });
      }
    },
  };
}

/** `--flag=value` or `--flag value` in a container's command and args. */
function flagValue(
  container: Record<string, unknown>,
  flag: string,
): { value: string; path: FieldPath } | undefined {
  for (const field of ['command', 'args'] as const) {
    const list = asArray(container[field]);
    for (let i = 0; i < list.length; i++) {
      const item = asString(list[i]);
      if (!item) continue;
      if (item.startsWith(`${flag}=`)) return { value: item.slice(flag.length + 1), path: [field, i] };
      if (item === flag && typeof list[i + 1] === 'string')
        return { value: list[i + 1] as string, path: [field, i + 1] };
    }
  }
  return undefined;
}

function kubeadmNetworking(
  c: Collector,
  obj: KObject,
  raw: Record<string, unknown>,
  base: FieldPath,
  clusterDoc: boolean,
): void {
  const net = asRecord(raw['networking']);
  if (!net) return;
  c.add(
    obj,
    [...base, 'networking', 'podSubnet'],
    net['podSubnet'],
    'pod',
    'declared',
    'kubeadm ClusterConfiguration networking.podSubnet',
    'kubeadm',
    clusterDoc,
  );
  c.add(
    obj,
    [...base, 'networking', 'serviceSubnet'],
    net['serviceSubnet'],
    'service',
    'declared',
    'kubeadm ClusterConfiguration networking.serviceSubnet',
    'kubeadm',
    clusterDoc,
  );
}

/** Every address range the input (and the config) declares. */
export function declaredRanges(model: Model): DeclaredRange[] {
  const configObj = model.configObject;
  const c = collector((o) => o === configObj);
  if (configObj) {
    const cluster = asRecord(configObj.raw['cluster']) ?? {};
    for (const [field, role] of [
      ['podCIDRs', 'pod'],
      ['serviceCIDRs', 'service'],
      ['nodeCIDRs', 'node'],
    ] as const) {
      asArray(cluster[field]).forEach((v, i) =>
        c.add(
          configObj,
          ['cluster', field, i],
          v,
          role,
          'declared',
          `.kube-netlint.yaml cluster.${field}`,
          'config',
        ),
      );
    }
  }
  for (const obj of model.objects) {
    const raw = obj.raw;
    const spec = asRecord(raw['spec']);
    if (obj.group.endsWith('kubeadm.k8s.io') && obj.kind === 'ClusterConfiguration') {
      kubeadmNetworking(c, obj, raw, [], true);
    } else if (obj.group === 'kind.x-k8s.io' && obj.kind === 'Cluster') {
      const net = asRecord(raw['networking']);
      c.add(
        obj,
        ['networking', 'podSubnet'],
        net?.['podSubnet'],
        'pod',
        'declared',
        'kind Cluster networking.podSubnet',
        'kind',
        true,
      );
      c.add(
        obj,
        ['networking', 'serviceSubnet'],
        net?.['serviceSubnet'],
        'service',
        'declared',
        'kind Cluster networking.serviceSubnet',
        'kind',
        true,
      );
    } else if (obj.group === K3S_CONFIG.group && obj.kind === K3S_CONFIG.kind) {
      // k3s server flags (docs.k3s.io, "Networking"): comma-separated for dual-stack.
      c.add(obj, ['cluster-cidr'], raw['cluster-cidr'], 'pod', 'declared', 'k3s cluster-cidr', 'k3s', true);
      c.add(
        obj,
        ['service-cidr'],
        raw['service-cidr'],
        'service',
        'declared',
        'k3s service-cidr',
        'k3s',
        true,
      );
    } else if (obj.group.endsWith('kubeproxy.config.k8s.io') && obj.kind === 'KubeProxyConfiguration') {
      c.add(
        obj,
        ['clusterCIDR'],
        raw['clusterCIDR'],
        'pod',
        'declared',
        'KubeProxyConfiguration clusterCIDR',
        'kube-proxy',
      );
    } else if (
      (obj.group === 'crd.projectcalico.org' || obj.group === 'projectcalico.org') &&
      obj.kind === 'IPPool' &&
      spec
    ) {
      const uses = asArray(spec['allowedUses']).map(String);
      const lb = uses.length > 0 && uses.every((u) => u === 'LoadBalancer');
      c.add(
        obj,
        ['spec', 'cidr'],
        spec['cidr'],
        lb ? 'loadbalancer' : 'pod',
        'pool',
        `Calico IPPool ${obj.name} spec.cidr`,
        'calico-ippool',
      );
    } else if (obj.group === 'operator.tigera.io' && obj.kind === 'Installation') {
      asArray(getPath(raw, ['spec', 'calicoNetwork', 'ipPools'])).forEach((p, i) => {
        c.add(
          obj,
          ['spec', 'calicoNetwork', 'ipPools', i, 'cidr'],
          asRecord(p)?.['cidr'],
          'pod',
          'pool',
          `Calico Installation ipPools[${i}].cidr`,
          'calico-installation',
        );
      });
    } else if (obj.group === 'networking.k8s.io' && obj.kind === 'ServiceCIDR' && spec) {
      asArray(spec['cidrs']).forEach((v, i) =>
        c.add(obj, ['spec', 'cidrs', i], v, 'service', 'declared', `ServiceCIDR ${obj.name}`, 'servicecidr'),
      );
    } else if (obj.group === '' && obj.kind === 'ConfigMap') {
      const data = asRecord(raw['data']) ?? {};
      // flannel (and Canal) keep their pool in a JSON document inside the ConfigMap.
      const netConf = asString(data['net-conf.json']);
      if (netConf !== undefined) {
        try {
          const conf = JSON.parse(netConf) as unknown;
          if (isRecord(conf)) {
            c.add(
              obj,
              ['data', 'net-conf.json'],
              conf['Network'],
              'pod',
              'pool',
              'flannel net-conf.json Network',
              'flannel',
            );
            c.add(
              obj,
              ['data', 'net-conf.json'],
              conf['IPv6Network'],
              'pod',
              'pool',
              'flannel net-conf.json IPv6Network',
              'flannel',
            );
          }
        } catch {
          // Not JSON: nothing we can read.
        }
      }
      if (obj.name === 'cilium-config') {
        for (const key of ['cluster-pool-ipv4-cidr', 'cluster-pool-ipv6-cidr']) {
          for (const part of split(asString(data[key]) ?? '').flatMap((s) => s.split(' ').filter(Boolean))) {
            c.add(obj, ['data', key], part, 'pod', 'pool', `cilium-config ${key}`, 'cilium');
          }
        }
        c.add(
          obj,
          ['data', 'ipv4-native-routing-cidr'],
          data['ipv4-native-routing-cidr'],
          'pod',
          'declared',
          'cilium-config ipv4-native-routing-cidr',
          'cilium-routing',
        );
      }
      const proxyConf = asString(data['config.conf']);
      if (obj.name === 'kube-proxy' && proxyConf) {
        const m = /^\s*clusterCIDR:\s*["']?([^"'\s#]+)/m.exec(proxyConf);
        if (m)
          c.add(
            obj,
            ['data', 'config.conf'],
            m[1],
            'pod',
            'declared',
            'kube-proxy config.conf clusterCIDR',
            'kube-proxy',
          );
      }
    }
  }
  for (const pod of model.pods) {
    if (pod.origin !== 'workload' || !pod.specPath) continue;
    for (const ctr of pod.containers) {
      const at = (p: FieldPath) => [...ctr.path, ...p];
      for (const env of asArray(ctr.raw['env'])) {
        const e = asRecord(env);
        const name = asString(e?.['name']);
        const i = asArray(ctr.raw['env']).indexOf(env);
        if (name === 'CALICO_IPV4POOL_CIDR' || name === 'CALICO_IPV6POOL_CIDR') {
          c.add(
            pod.owner,
            at(['env', i, 'value']),
            e?.['value'],
            'pod',
            'pool',
            `calico-node env ${name}`,
            'calico-env',
          );
        } else if (name === 'IPALLOC_RANGE') {
          c.add(
            pod.owner,
            at(['env', i, 'value']),
            e?.['value'],
            'pod',
            'pool',
            'Weave Net env IPALLOC_RANGE',
            'weave',
          );
        }
      }
      const cc = flagValue(ctr.raw, '--cluster-cidr');
      if (cc)
        c.add(pod.owner, at(cc.path), cc.value, 'pod', 'declared', `${ctr.name} --cluster-cidr`, 'flag');
      const sr = flagValue(ctr.raw, '--service-cluster-ip-range');
      if (sr)
        c.add(
          pod.owner,
          at(sr.path),
          sr.value,
          'service',
          'declared',
          `${ctr.name} --service-cluster-ip-range`,
          'flag',
        );
    }
  }
  return c.out;
}

/** Single IPs that must be valid addresses: Service clusterIP(s) and externalIPs, kubelet clusterDNS. */
export function declaredIps(model: Model): DeclaredIp[] {
  const out: DeclaredIp[] = [];
  for (const svc of model.ofKind('', 'Service')) {
    const spec = asRecord(svc.raw['spec']);
    if (!spec) continue;
    const clusterIP = asString(spec['clusterIP']);
    if (clusterIP && clusterIP !== 'None')
      out.push({
        text: clusterIP,
        object: svc,
        path: ['spec', 'clusterIP'],
        source: `Service ${svc.name} clusterIP`,
      });
    asArray(spec['clusterIPs']).forEach((v, i) => {
      const t = asString(v);
      if (t && t !== 'None' && t !== clusterIP)
        out.push({
          text: t,
          object: svc,
          path: ['spec', 'clusterIPs', i],
          source: `Service ${svc.name} clusterIPs`,
        });
    });
  }
  for (const obj of model.objects) {
    if (obj.group.endsWith('kubelet.config.k8s.io') && obj.kind === 'KubeletConfiguration') {
      asArray(obj.raw['clusterDNS']).forEach((v, i) => {
        const t = asString(v);
        if (t)
          out.push({
            text: t,
            object: obj,
            path: ['clusterDNS', i],
            source: 'KubeletConfiguration clusterDNS',
          });
      });
    }
  }
  return out;
}
