import { groupOf } from '../model/kinds';
import { isRecord, type JsonObject } from '../util/values';
import { substituteDefaults } from './placeholder';

// What loading keeps of each parsed object (compactValue), and how it keeps it small (issue #22).

/**
 * Parsed values hold the same few strings many times over ("http", "v1", a namespace, an app name on
 * each of its objects), and the parsers hand out strings that V8 keeps as slices of the whole
 * document text: one name read from a file keeps the file's text alive. js-yaml appends a NUL to its
 * input, so that is a second copy of every file it read, held by the slices. At 50k documents the
 * duplicates and the second copies were about 40 MB of a 115 MB heap after loading (issue #22).
 *
 * Strings up to this length are shared through a pool; longer ones (certificates, scripts, a
 * Corefile) are rarely repeated and only copied out of the text they were sliced from.
 */
const MAX_POOLED_LENGTH = 256;
/** The pool is dropped when it holds this many strings, so a long-lived process (the language server) keeps a bounded set. */
const MAX_POOL_SIZE = 1 << 17;
/** V8 makes sliced strings only from this length (SlicedString::kMinLength); shorter ones are flat copies already. */
const MIN_SLICE_LENGTH = 13;

let pool = new Map<string, string>();

/** A flat copy of the string, with no reference to the text it may be a slice of. */
function ownCopy(s: string): string {
  // JSON round-trips every string exactly (lone surrogates too, as escapes) and builds a new one.
  return s.length < MIN_SLICE_LENGTH ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** The pooled string equal to `s`: one copy per distinct value, none of them slices of a file text. */
export function internString(s: string): string {
  if (s.length > MAX_POOLED_LENGTH) return ownCopy(s);
  const known = pool.get(s);
  if (known !== undefined) return known;
  const own = ownCopy(s);
  if (pool.size >= MAX_POOL_SIZE) pool = new Map();
  pool.set(own, own);
  return own;
}

/**
 * Replaces every string value inside `root` (not the keys: V8 already keeps one copy of each
 * property name) by its pooled copy, and every list by a copy of its exact length, in place. The
 * parsers build lists by pushing, which leaves room for 17 elements: about 120 wasted bytes per list,
 * 9 MB at 50k documents. Iterative, and each object is visited once: the full parse resolves aliases
 * to shared (even cyclic) objects, which stay shared.
 */
export function internStrings<T extends JsonObject>(root: T): T {
  const copies = new Map<object, object>();
  const stack: object[] = [root];
  copies.set(root, root);
  const compacted = (v: object): object => {
    let copy = copies.get(v);
    if (copy === undefined) {
      copy = Array.isArray(v) ? v.slice() : v;
      copies.set(v, copy);
      stack.push(copy);
    }
    return copy;
  };
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (Array.isArray(node)) {
      const list = node as unknown[];
      for (let i = 0; i < list.length; i++) {
        const v = list[i];
        if (typeof v === 'string') list[i] = internString(v);
        else if (isContainer(v)) list[i] = compacted(v);
      }
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const v = record[key];
      if (typeof v === 'string') record[key] = internString(v);
      else if (isContainer(v)) {
        const copy = compacted(v);
        if (copy !== v) record[key] = copy;
      }
    }
  }
  return root;
}

/** A mapping or sequence of a parsed value (not a Date or the bytes of a `!!binary`). */
function isContainer(v: unknown): v is object {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * `obj` without the keys `drop` selects: the same object when it has none of them, else a copy. A copy
 * rather than `delete`: V8 turns an object it deletes a property from into a hash table, about four
 * times the size (a pruned container or ConfigMap data then weighs ~450 bytes instead of ~100).
 */
export function withoutKeys(obj: JsonObject, drop: (key: string) => boolean): JsonObject {
  const keys = Object.keys(obj);
  if (!keys.some(drop)) return obj;
  const out: JsonObject = {};
  for (const key of keys) {
    if (drop(key)) continue;
    // A `__proto__` key from the input is data: define it, as the parsers do, rather than set a prototype.
    if (key === '__proto__')
      Object.defineProperty(out, key, {
        value: obj[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[key] = obj[key];
  }
  return out;
}

/** Container fields no rule reads, and the bulk of a real pod spec. */
export const CONTAINER_NOISE = [
  'resources',
  'volumeMounts',
  'volumeDevices',
  'lifecycle',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'envFrom',
];
export const POD_NOISE = [
  'volumes',
  'affinity',
  'tolerations',
  'topologySpreadConstraints',
  'imagePullSecrets',
  'overhead',
  'readinessGates',
];
/** ConfigMap keys rules read (CNI pools, kube-proxy, CoreDNS); other ConfigMap data is dropped. */
const CONFIGMAP_KEYS = new Set([
  'net-conf.json',
  'cluster-pool-ipv4-cidr',
  'cluster-pool-ipv6-cidr',
  'ipv4-native-routing-cidr',
  'config.conf',
  // cilium-config: the agent's policy enforcement mode, and whether CIDR rules select nodes
  // (netpol/cilium-mode.ts).
  'enable-policy',
  'policy-cidr-match-mode',
  'Corefile',
  // The istio ConfigMap's meshConfig (rootNamespace for mesh-wide policies; istio/mtls.ts).
  'mesh',
]);
/** CoreDNS imports of AKS and k3s (`coredns-custom`): server blocks and plugin lines. */
const COREDNS_CUSTOM_KEY = /\.(server|override)$/;

/**
 * Built-in kinds (`group/kind`) of which rules read only apiVersion, kind and metadata (names, removed
 * API versions, duplicates): autoscalers, RBAC roles (bindings are read: their subjects), storage,
 * quotas, priority classes, leases. Operator bundles carry large ClusterRoles; every app its
 * autoscaler. A rule that reads more of one of these must take it out of this list (test/compact.test.ts
 * fails when a source file names one of these kinds).
 */
export const METADATA_ONLY: ReadonlySet<string> = new Set([
  'autoscaling/HorizontalPodAutoscaler',
  'autoscaling.k8s.io/VerticalPodAutoscaler',
  'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/ClusterRole',
  '/PersistentVolumeClaim',
  '/PersistentVolume',
  'storage.k8s.io/StorageClass',
  '/ResourceQuota',
  '/LimitRange',
  'scheduling.k8s.io/PriorityClass',
  'coordination.k8s.io/Lease',
]);
const IDENTITY_KEYS = new Set(['apiVersion', 'kind', 'metadata']);

const POD_NOISE_KEYS = new Set(POD_NOISE);
const CONTAINER_NOISE_KEYS = new Set(CONTAINER_NOISE);
const CONTAINER_FIELDS = ['containers', 'initContainers', 'ephemeralContainers'];
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Replaces `holder[key]`, when it is a mapping, by what `f` makes of it. */
function rewrite(holder: unknown, key: string, f: (v: JsonObject) => JsonObject): void {
  if (!isRecord(holder)) return;
  const v = holder[key];
  if (!isRecord(v)) return;
  const next = f(v);
  if (next !== v) holder[key] = next;
}

/** A holder whose securityContext is reduced to runAsUser, which the Istio proxy UID check (1337) reads. */
function prunedSecurityContext(holder: JsonObject): JsonObject {
  if (!Object.hasOwn(holder, 'securityContext')) return holder;
  const sc = holder['securityContext'];
  if (!isRecord(sc) || sc['runAsUser'] === undefined)
    return withoutKeys(holder, (k) => k === 'securityContext');
  const keys = Object.keys(sc);
  if (keys.length !== 1) holder['securityContext'] = { runAsUser: sc['runAsUser'] };
  return holder;
}

function prunedPodSpec(spec: JsonObject): JsonObject {
  const out = prunedSecurityContext(withoutKeys(spec, (k) => POD_NOISE_KEYS.has(k)));
  for (const field of CONTAINER_FIELDS) {
    const list = out[field];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const c: unknown = list[i];
      if (isRecord(c)) list[i] = prunedSecurityContext(withoutKeys(c, (k) => CONTAINER_NOISE_KEYS.has(k)));
    }
  }
  return out;
}

/**
 * Drops what no rule reads and real repositories carry in bulk, so memory follows what the linter
 * looks at: status, managedFields, the last-applied-configuration copy, CRD schemas, Secret data,
 * ConfigMap data other than the CNI and kube-proxy keys, and pod-spec fields without networking
 * meaning (resources, volumes, affinity, …). A rule that needs one of these must keep it here.
 * Mappings that lose keys are copied, not deleted from (see withoutKeys), and what is kept has its
 * strings pooled and copied out of the file text, and its lists trimmed (see internStrings).
 */
export function compactValue(value: JsonObject, substitute: boolean): JsonObject {
  if (substitute) substituteDefaults(value);
  const out = withoutKeys(value, (k) => k === 'status');
  rewrite(out, 'metadata', (meta) => {
    const kept = withoutKeys(meta, (k) => k === 'managedFields');
    rewrite(kept, 'annotations', (ann) => withoutKeys(ann, (k) => k === LAST_APPLIED));
    return kept;
  });
  const kind = out['kind'];
  if (
    typeof out['apiVersion'] === 'string' &&
    METADATA_ONLY.has(`${groupOf(out['apiVersion'])}/${String(kind)}`)
  )
    return internStrings(withoutKeys(out, (k) => !IDENTITY_KEYS.has(k)));
  if (kind === 'CustomResourceDefinition') {
    rewrite(out, 'spec', (spec) => {
      const kept = withoutKeys(spec, (k) => k === 'validation');
      const versions = kept['versions'];
      if (Array.isArray(versions))
        for (let i = 0; i < versions.length; i++) {
          const v: unknown = versions[i];
          if (isRecord(v)) versions[i] = withoutKeys(v, (k) => k === 'schema');
        }
      return kept;
    });
    return internStrings(out);
  }
  if (kind === 'Secret') return internStrings(withoutKeys(out, (k) => k === 'data' || k === 'stringData'));
  if (kind === 'ConfigMap') {
    const kept = withoutKeys(out, (k) => k === 'binaryData');
    rewrite(kept, 'data', (data) =>
      withoutKeys(data, (k) => !CONFIGMAP_KEYS.has(k) && !COREDNS_CUSTOM_KEY.test(k)),
    );
    return internStrings(kept);
  }
  if (kind === 'Pod') rewrite(out, 'spec', prunedPodSpec);
  else {
    const spec = out['spec'];
    if (isRecord(spec)) {
      const holder = isRecord(spec['jobTemplate']) ? (spec['jobTemplate'] as JsonObject)['spec'] : spec;
      if (isRecord(holder)) rewrite(holder['template'], 'spec', prunedPodSpec);
    }
  }
  return internStrings(out);
}
