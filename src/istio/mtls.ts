// Istio mutual TLS as the input configures it: the mesh's root namespace (meshConfig), the
// PeerAuthentication mode a workload's server side takes, and the TLS mode a DestinationRule makes
// clients use.
//
// Istio docs (security, PeerAuthentication): a policy in the root namespace without selector is
// mesh-wide, one in another namespace without selector applies to that namespace, one with a
// selector to the workloads it selects; the narrowest wins, and UNSET inherits from the parent
// (the mesh default is PERMISSIVE). meshConfig.rootNamespace defaults to istio-system.
import { parseDocument } from 'yaml';
import { parseLabelSelector, selectorMatches, type PodLabels } from '../model/labels';
import type { Model } from '../model/model';
import type { KObject } from '../model/object';
import { asNumber, asRecord, asString, getPath, isRecord } from '../util/values';
import { ISTIO_SECURITY, istioObjects, type NamespacedObject } from './resources';
import { oncePer } from '../util/memo';

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

/**
 * The meshConfig of the `istio` ConfigMap (key `mesh`, YAML text), when the input holds one. Read
 * once per model: every mTLS question asks for the root namespace.
 */
export const meshConfig: (model: Model) => { config: Record<string, unknown>; object: KObject } | undefined =
  oncePer(readMeshConfig);

function readMeshConfig(model: Model): { config: Record<string, unknown>; object: KObject } | undefined {
  for (const cm of model.ofKind('', 'ConfigMap')) {
    if (cm.name !== 'istio' && !cm.name.startsWith('istio-')) continue;
    const text = asString(getPath(cm.raw, ['data', 'mesh']));
    if (!text) continue;
    try {
      const value: unknown = parseDocument(text, { logLevel: 'error' }).toJS();
      if (isRecord(value)) return { config: value, object: cm };
    } catch {
      // Text that is not YAML configures nothing we can read.
    }
  }
  return undefined;
}

export function rootNamespace(model: Model): string {
  return asString(meshConfig(model)?.config['rootNamespace']) ?? 'istio-system';
}

function modeOf(value: unknown): MtlsMode | undefined {
  const m = asString(value)?.toUpperCase();
  return m === 'STRICT' || m === 'PERMISSIVE' || m === 'DISABLE' ? m : undefined;
}

export interface PeerPolicy {
  pa: NamespacedObject;
  /** undefined: UNSET, inherited. */
  mode: MtlsMode | undefined;
  /** Modes for single (container) ports, which override `mode` there. */
  ports: Map<number, MtlsMode | undefined>;
  hasSelector: boolean;
}

export function peerPolicy(pa: NamespacedObject): PeerPolicy {
  const ports = new Map<number, MtlsMode | undefined>();
  const raw = asRecord(getPath(pa.raw, ['spec', 'portLevelMtls']));
  for (const [k, v] of Object.entries(raw ?? {})) {
    const n = Number(k);
    if (Number.isInteger(n)) ports.set(n, modeOf(asRecord(v)?.['mode']));
  }
  const sel = asRecord(getPath(pa.raw, ['spec', 'selector']));
  return {
    pa,
    mode: modeOf(getPath(pa.raw, ['spec', 'mtls', 'mode'])),
    ports,
    hasSelector: sel !== undefined && Object.keys(sel).length > 0,
  };
}

export interface EffectiveMode {
  mode: MtlsMode;
  /** The PeerAuthentications that decided it, narrowest first. */
  sources: NamespacedObject[];
  /**
   * True when a workload-level policy of the namespace may apply but the pods are not known, or a
   * port-level setting makes the mode differ by port: the mode is then not proven for every port.
   */
  uncertain: boolean;
}

/**
 * The server-side mTLS mode of pods with `labels` in `namespace` (undefined labels: the pods are
 * not in the input). Port-level settings make the result uncertain unless they agree with it.
 */
export function effectiveMode(model: Model, namespace: string, labels: PodLabels | undefined): EffectiveMode {
  const all = istioObjects(model, ISTIO_SECURITY, 'PeerAuthentication').map(peerPolicy);
  const root = rootNamespace(model);
  const chain: PeerPolicy[] = [];
  let uncertain = false;
  const workload = all.filter((p) => p.pa.namespace === namespace && p.hasSelector && namespace !== '');
  if (labels === undefined) {
    if (workload.length) uncertain = true;
  } else {
    const hit = workload.find((p) =>
      selectorMatches(parseLabelSelector(getPath(p.pa.raw, ['spec', 'selector'])), labels),
    );
    if (hit) chain.push(hit);
  }
  const ns = all.find((p) => p.pa.namespace === namespace && !p.hasSelector);
  if (ns) chain.push(ns);
  const mesh = all.find((p) => p.pa.namespace === root && !p.hasSelector);
  if (mesh && mesh !== ns) chain.push(mesh);
  let mode: MtlsMode = 'PERMISSIVE';
  const sources: NamespacedObject[] = [];
  for (const p of chain) {
    sources.push(p.pa);
    if (p.mode) {
      mode = p.mode;
      break;
    }
  }
  // Port-level settings apply only to workload-level policies (Istio docs), and differ by port.
  if (chain[0]?.hasSelector && [...chain[0].ports.values()].some((m) => m !== undefined && m !== mode))
    uncertain = true;
  return { mode, sources, uncertain };
}

export interface ClientTls {
  mode: string;
  path: (string | number)[];
  /** The Service port it is limited to, for portLevelSettings. */
  port: number | undefined;
  subset: string | undefined;
}

/** Every TLS mode a DestinationRule sets: top level, per port, per subset. */
export function clientTlsSettings(dr: KObject): ClientTls[] {
  const out: ClientTls[] = [];
  const read = (policy: unknown, base: (string | number)[], subset: string | undefined): void => {
    if (!isRecord(policy)) return;
    const mode = asString(getPath(policy, ['tls', 'mode']));
    if (mode) out.push({ mode: mode.toUpperCase(), path: [...base, 'tls', 'mode'], port: undefined, subset });
    const pls = policy['portLevelSettings'];
    if (Array.isArray(pls))
      pls.forEach((s, i) => {
        const m = asString(getPath(s, ['tls', 'mode']));
        if (m)
          out.push({
            mode: m.toUpperCase(),
            path: [...base, 'portLevelSettings', i, 'tls', 'mode'],
            port: asNumber(getPath(s, ['port', 'number'])),
            subset,
          });
      });
  };
  read(getPath(dr.raw, ['spec', 'trafficPolicy']), ['spec', 'trafficPolicy'], undefined);
  const subsets = getPath(dr.raw, ['spec', 'subsets']);
  if (Array.isArray(subsets))
    subsets.forEach((s, i) =>
      read(
        asRecord(s)?.['trafficPolicy'],
        ['spec', 'subsets', i, 'trafficPolicy'],
        asString(asRecord(s)?.['name']),
      ),
    );
  return out;
}
