/**
 * Plugins and options that CoreDNS releases removed: a Corefile that still uses one makes that
 * release (and every later one) fail at start-up, so an upgrade of the image crash-loops. The data
 * follows CoreDNS's release notes and the corefile-migration library kubeadm runs before upgrades.
 */
export interface Removal {
  plugin: string;
  /** Undefined: the whole plugin. */
  option: string | undefined;
  /** The first release without it. */
  removedIn: string;
  /** What to use instead. */
  instead: string;
}

export const REMOVALS: readonly Removal[] = [
  { plugin: 'proxy', option: undefined, removedIn: '1.5.0', instead: 'use forward' },
  {
    plugin: 'federation',
    option: undefined,
    removedIn: '1.7.0',
    instead: 'drop it (kube-federation is gone)',
  },
  { plugin: 'kubernetes', option: 'upstream', removedIn: '1.7.0', instead: 'delete the line' },
  { plugin: 'kubernetes', option: 'resyncperiod', removedIn: '1.7.0', instead: 'delete the line' },
  {
    plugin: 'kubernetes',
    option: 'transfer',
    removedIn: '1.8.0',
    instead: 'use the transfer plugin (transfer { to … })',
  },
];

/** `1.7.0` → [1, 7, 0]; undefined for anything that is not a version. */
export function parseVersion(text: string): number[] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The CoreDNS version of an image reference such as `registry.k8s.io/coredns/coredns:v1.11.1` or
 * `coredns/coredns:1.6.7`; undefined for other images, tags that are not versions and digests only.
 */
export function corednsVersion(image: string): string | undefined {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(':');
  const slash = ref.lastIndexOf('/');
  if (colon < 0 || colon < slash) return undefined;
  const repo = ref.slice(0, colon);
  if (!/(^|\/)coredns$/.test(repo)) return undefined;
  const v = parseVersion(ref.slice(colon + 1));
  return v ? v.join('.') : undefined;
}
