import type { DnsSettings } from '../config/types';
import { plainLabels } from './labels';
import { syntheticObject } from './object';
import type { Model } from './model';
import type { PodTemplate } from './pods';

/**
 * The cluster DNS pods as every cluster runs them (CoreDNS, deployed as `kube-dns`-labelled pods
 * in kube-system with ports dns 53/UDP, dns-tcp 53/TCP, metrics 9153/TCP), for when the input
 * does not contain them. Policies that allow DNS select these pods, so they must exist in the model.
 */
export function clusterDnsPod(dns: DnsSettings): PodTemplate {
  const labels = Object.entries(dns.podLabels)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ');
  const text =
    `# The cluster DNS pods, modelled by kube-netlint from its DNS settings\n` +
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: coredns, namespace: ${JSON.stringify(dns.namespace)}}\n` +
    `spec:\n  template:\n    metadata:\n      labels: {${labels}}\n`;
  const owner = syntheticObject('<cluster-dns>', undefined, text, {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    group: 'apps',
    name: 'coredns',
    namespace: dns.namespace,
  });
  const port = (name: string, containerPort: number, protocol: string) => ({
    name,
    containerPort,
    protocol,
    protocolDefaulted: false,
    path: [],
  });
  return {
    owner,
    namespace: dns.namespace,
    labels: plainLabels(dns.podLabels),
    labelsPath: ['spec', 'template', 'metadata', 'labels'],
    specPath: undefined,
    containers: [
      {
        name: 'coredns',
        role: 'container',
        ports: [port('dns', 53, 'UDP'), port('dns-tcp', 53, 'TCP'), port('metrics', 9153, 'TCP')],
        raw: {},
        path: [],
      },
    ],
    hostNetwork: false,
    dnsPolicy: 'Default',
    origin: 'cluster',
    portsKnown: true,
  };
}

/**
 * The cluster DNS pods: those in the DNS namespace with the DNS labels (the model adds the modelled
 * ones when the input holds none). One definition for egress-blocks-dns and `reach --dns`.
 */
export function clusterDnsPods(model: Model, dns: DnsSettings): PodTemplate[] {
  const labels = Object.entries(dns.podLabels);
  return model.podsIn(dns.namespace).filter((p) => labels.every(([k, v]) => p.labels.get(k) === v));
}
