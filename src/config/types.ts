export type SeveritySetting = 'off' | 'note' | 'warning' | 'error';
export type FailOn = 'error' | 'warning' | 'note' | 'never';

export interface DnsSettings {
  /** Namespace of the cluster DNS pods. */
  namespace: string;
  /** Labels of the cluster DNS pods. */
  podLabels: Record<string, string>;
  /** ClusterIP of the DNS Service, when known. */
  serviceIP: string | undefined;
  /** NodeLocal DNSCache link-local address (e.g. 169.254.20.10), when used. */
  nodeLocalIP: string | undefined;
  /** kubelet's clusterDomain (cluster.local unless set), when the config states it. */
  clusterDomain?: string | undefined;
}

/** Facts about the cluster that manifests rarely state. */
export interface ClusterSettings {
  podCIDRs: string[];
  serviceCIDRs: string[];
  nodeCIDRs: string[];
  /** The API server's --service-node-port-range. */
  nodePortRange: { min: number; max: number };
  dns: DnsSettings;
  /** Where the ingress controller's pods run, when the config says. */
  ingressController: { namespace: string; podLabels: Record<string, string> } | undefined;
}

/** Findings to ignore, for objects that cannot be annotated (third-party manifests). */
export interface IgnoreFinding {
  rule: string | undefined;
  kind: string | undefined;
  namespace: string | undefined;
  name: string | undefined;
  /** Glob for the file path, relative to the config file. */
  file: string | undefined;
  reason: string | undefined;
}

export interface ExtraPodSetting {
  namespace: string | undefined;
  labels: Record<string, string>;
  /** Index in the config's `pods` list, for locations. */
  index: number;
}

export interface Config {
  /** Absolute path of the config file, undefined when none was found. */
  file: string | undefined;
  /** Directory that relative paths in the config are relative to. */
  baseDir: string;
  rules: Record<string, SeveritySetting>;
  ignore: string[];
  /** Paths that always form the model (cross-file context), relative to the config file. */
  context: string[];
  ignoreFindings: IgnoreFinding[];
  namespace: string;
  failOn: FailOn;
  cluster: ClusterSettings;
  pods: ExtraPodSetting[];
}

export const DEFAULT_DNS: DnsSettings = {
  namespace: 'kube-system',
  podLabels: { 'k8s-app': 'kube-dns' },
  serviceIP: undefined,
  nodeLocalIP: undefined,
};

export function defaultConfig(cwd: string): Config {
  return {
    file: undefined,
    baseDir: cwd,
    rules: {},
    ignore: [],
    context: [],
    ignoreFindings: [],
    namespace: 'default',
    failOn: 'error',
    cluster: {
      podCIDRs: [],
      serviceCIDRs: [],
      nodeCIDRs: [],
      nodePortRange: { min: 30000, max: 32767 },
      dns: { ...DEFAULT_DNS },
      ingressController: undefined,
    },
    pods: [],
  };
}
