/** The identity the loader gives a k3s configuration file (a plain mapping of k3s server flags). */
export const K3S_CONFIG = { group: 'k3s.cattle.io', version: 'v1', kind: 'K3sConfig' } as const;
