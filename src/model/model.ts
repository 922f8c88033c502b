import type { FieldPath, LoadDiagnostic, ManifestDoc } from '../load/types';
import { asString, getPath } from '../util/values';
import { BUILTIN_GROUPS, CLUSTER_SCOPED, groupOf, isConfigFileGroup, isPodFree } from './kinds';
import { customResourcePods, rolloutExperimentPods } from './custom-resources';
import { outsideProviders, type OutsideProviders } from './providers';
import { judgeMissing, type MissingVerdict } from './closed-world';
import { plainLabels, type Selector } from './labels';
import { annotationsOf, labelsOf, metadataOf, objectId, type KObject } from './object';
import { isKnownOperatorKind, operatorPodTemplate } from './operators';
import { PodIndex } from './pod-index';
import { workloadPodTemplate, type PodTemplate } from './pods';
import { serviceSelector } from './service-ports';
import { clusterDnsPod } from './cluster-dns';
import { acmeSolverPods } from './cert-manager';
import type { DnsSettings } from '../config/types';
import { isNear, nearest, nearestGroup } from './proximity';

/** Label key every namespace carries since Kubernetes 1.21, set by the API server. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Namespaces every cluster has. */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export interface NamespaceInfo {
  name: string;
  /** The Namespace's labels, including the automatic `kubernetes.io/metadata.name`. */
  labels: Record<string, string>;
  /** The Namespace object, when the input has one. */
  object: KObject | undefined;
}

/** Pods that something outside the input creates, declared in the configuration. */
export interface ExtraPods {
  /** undefined: in every namespace of the input. */
  namespace: string | undefined;
  labels: Record<string, string>;
  /** Where they were declared (the config file), for related locations. */
  owner: KObject;
  labelsPath: FieldPath;
}

export interface ModelOptions {
  /** Namespace of objects that do not state one (`default` in a real cluster). */
  defaultNamespace: string;
  extraPods?: readonly ExtraPods[];
  /** The cluster DNS pods, added when the input does not define them (every cluster runs them). */
  clusterDns?: DnsSettings;
  /** The config file as an object, for findings and ranges that point into it. */
  configObject?: KObject;
}

export interface Duplicate {
  first: KObject;
  second: KObject;
}

/** A read-only view of everything the input declares, with the indexes rules need. */
export class Model {
  readonly objects: readonly KObject[];
  readonly pods: readonly PodTemplate[];
  readonly namespaces: ReadonlyMap<string, NamespaceInfo>;
  readonly duplicates: readonly Duplicate[];
  readonly diagnostics: readonly LoadDiagnostic[];
  readonly defaultNamespace: string;
  readonly configObject: KObject | undefined;
  private readonly byGroupKind = new Map<string, KObject[]>();
  private readonly byKey = new Map<string, KObject>();
  /** Every definition of a key the input defines more than once (the others are in byKey alone). */
  private readonly allByKey = new Map<string, KObject[]>();
  private readonly podIndex = new PodIndex();
  /** Custom resources that may create pods we cannot see, by namespace. */
  private readonly opaqueByNamespace = new Map<string, KObject[]>();
  /** Every namespaced object of a group Kubernetes does not serve itself, by namespace. */
  private readonly customByNamespace = new Map<string, KObject[]>();
  private readonly servicePodCache = new Map<KObject, readonly PodTemplate[]>();

  constructor(docs: readonly ManifestDoc[], diagnostics: readonly LoadDiagnostic[], options: ModelOptions) {
    this.defaultNamespace = options.defaultNamespace;
    this.configObject = options.configObject;
    this.diagnostics = diagnostics;
    const clusterScoped = new Set(CLUSTER_SCOPED);
    // CustomResourceDefinitions in the input tell us the scope of their kinds.
    for (const doc of docs) {
      const v = doc.value;
      if (v['kind'] === 'CustomResourceDefinition' && getPath(v, ['spec', 'scope']) === 'Cluster') {
        const group = asString(getPath(v, ['spec', 'group']));
        const kind = asString(getPath(v, ['spec', 'names', 'kind']));
        if (group !== undefined && kind) clusterScoped.add(`${group}/${kind}`);
      }
    }
    const objects: KObject[] = [];
    const duplicates: Duplicate[] = [];
    for (const doc of docs) {
      const obj = this.makeObject(doc, clusterScoped);
      objects.push(obj);
      const key = [obj.group, obj.id].join('/');
      const first = this.byKey.get(key);
      if (first) {
        duplicates.push({ first, second: obj });
        const all = this.allByKey.get(key);
        if (all) all.push(obj);
        else this.allByKey.set(key, [first, obj]);
      } else this.byKey.set(key, obj);
      pushTo(this.byGroupKind, `${obj.group}/${obj.kind}`, obj);
    }
    this.objects = objects;
    this.duplicates = duplicates;

    const pods: PodTemplate[] = [];
    for (const obj of objects) {
      const workload = workloadPodTemplate(obj);
      if (workload) {
        pods.push(workload, ...rolloutExperimentPods(obj, workload));
        continue;
      }
      if (obj.namespace === undefined || BUILTIN_GROUPS.has(obj.group) || isConfigFileGroup(obj.group))
        continue;
      pushTo(this.customByNamespace, obj.namespace, obj);
      const operated = operatorPodTemplate(obj);
      if (operated) {
        pods.push(operated);
        continue;
      }
      if (isPodFree(obj.group, obj.kind)) continue;
      pods.push(...customResourcePods(obj));
      // Even with its templates expanded, an operator may create pods and Services we do not see.
      if (!isKnownOperatorKind(obj)) pushTo(this.opaqueByNamespace, obj.namespace, obj);
    }
    // cert-manager's HTTP-01 solver pods, where a Certificate of the input uses an ACME issuer of it.
    pods.push(...acmeSolverPods(objects));
    this.namespaces = this.buildNamespaces(objects);
    for (const extra of options.extraPods ?? []) {
      for (const namespace of extra.namespace !== undefined ? [extra.namespace] : this.namespaces.keys())
        pods.push({
          owner: extra.owner,
          namespace,
          labels: plainLabels(extra.labels),
          labelsPath: extra.labelsPath,
          specPath: undefined,
          containers: [],
          hostNetwork: false,
          dnsPolicy: undefined,
          origin: 'config',
          portsKnown: false,
        });
    }
    if (options.clusterDns) {
      const dns = options.clusterDns;
      const present = pods.some(
        (p) =>
          p.namespace === dns.namespace &&
          Object.entries(dns.podLabels).every(([k, v]) => p.labels.get(k) === v),
      );
      if (!present) pods.push(clusterDnsPod(dns));
    }
    for (const pod of pods) this.podIndex.add(pod);
    this.pods = pods;
  }

  private makeObject(doc: ManifestDoc, clusterScoped: ReadonlySet<string>): KObject {
    const raw = doc.value;
    const kind = raw['kind'] as string;
    const apiVersion = raw['apiVersion'] as string;
    const group = groupOf(apiVersion);
    const meta = metadataOf(raw);
    const scoped = !clusterScoped.has(`${group}/${kind}`) && !isConfigFileGroup(group);
    // Objects without a namespace land in the namespace they are applied to: `default` unless the
    // user says otherwise. Comparing "" with "default" is a classic false alarm.
    // A kustomization in the input that lists the file sets the namespace (see load/kustomize.ts).
    const written = doc.kustomizeNamespace ?? meta.namespace;
    const namespace = scoped ? (written ?? this.defaultNamespace) : undefined;
    return {
      id: objectId(kind, namespace, meta.name),
      kind,
      apiVersion,
      group,
      name: meta.name,
      namespace,
      // Also when kustomize overlays in the input build the object into different namespaces.
      defaultedNamespace: scoped && (written === undefined || doc.namespaceUncertain === true),
      labels: labelsOf(raw),
      annotations: annotationsOf(raw),
      raw,
      doc,
    };
  }

  private buildNamespaces(objects: readonly KObject[]): Map<string, NamespaceInfo> {
    const out = new Map<string, NamespaceInfo>();
    const ensure = (name: string): NamespaceInfo => {
      let info = out.get(name);
      if (!info) {
        info = { name, labels: { [NAMESPACE_NAME_LABEL]: name }, object: undefined };
        out.set(name, info);
      }
      return info;
    };
    for (const name of SYSTEM_NAMESPACES) ensure(name);
    for (const obj of objects) {
      if (obj.kind === 'Namespace' && obj.group === '') {
        const info = ensure(obj.name);
        // The API server sets kubernetes.io/metadata.name and overrides any other value for it.
        info.labels = { ...info.labels, ...obj.labels, [NAMESPACE_NAME_LABEL]: obj.name };
        info.object ??= obj;
      } else if (obj.namespace !== undefined) ensure(obj.namespace);
    }
    return out;
  }

  /** Objects of one kind; `group` is the API group ('' for core, 'apps', 'networking.k8s.io'…). */
  ofKind(group: string, kind: string): readonly KObject[] {
    return this.byGroupKind.get(`${group}/${kind}`) ?? [];
  }

  get(group: string, kind: string, namespace: string | undefined, name: string): KObject | undefined {
    return this.byKey.get(`${group}/${objectId(kind, namespace, name)}`);
  }

  /** The definition of an object nearest to `from`, when the input defines it more than once. */
  getNearest(
    group: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    from: KObject,
  ): KObject | undefined {
    const key = `${group}/${objectId(kind, namespace, name)}`;
    const one = this.byKey.get(key);
    return nearest(this.allByKey.get(key) ?? (one ? [one] : []), from);
  }

  /** Pod templates in a namespace that the selector may select. */
  selectPods(selector: Selector, namespace: string): PodTemplate[] {
    return this.podIndex.select(selector, namespace);
  }

  /**
   * Pod templates a Service routes to (none for Services without selector); memoized. Where the
   * input holds variants of one install side by side, the nearest ones (see proximity.ts).
   */
  servicePods(svc: KObject): readonly PodTemplate[] {
    let pods = this.servicePodCache.get(svc);
    if (!pods) {
      const selector = serviceSelector(svc);
      const all = selector && svc.namespace !== undefined ? this.selectPods(selector, svc.namespace) : [];
      pods = nearestGroup(all, (p) => p.owner, svc);
      this.servicePodCache.set(svc, pods);
    }
    return pods;
  }

  /** Pod templates in any namespace that the selector may select. */
  selectPodsAnywhere(selector: Selector): PodTemplate[] {
    return this.podIndex.select(selector, undefined);
  }

  /**
   * Whether a pod the selector selects passes `test`, through the label index; with `namespaces`,
   * only a pod of those namespaces (see PodIndex.some).
   */
  somePodSelected(
    selector: Selector,
    test: (pod: PodTemplate) => boolean,
    namespaces?: readonly string[],
  ): boolean {
    return this.podIndex.some(selector, test, namespaces);
  }

  /** Pods in the namespace sharing at least one label with the selector (for "closest match"). */
  podsSharingLabels(selector: Selector, namespace: string, limit = 200): PodTemplate[] {
    return this.podIndex.related(selector, namespace, limit);
  }

  podsIn(namespace: string): readonly PodTemplate[] {
    return this.podIndex.inNamespace(namespace);
  }

  /**
   * Whether the input describes the pods of a namespace near `from` (see proximity.isNear): the
   * workloads a selector there should be checked against. Pods of unrelated applications elsewhere
   * in the repository do not make a namespace "known".
   */
  describesPodsNear(namespace: string, from: KObject): boolean {
    return this.podsIn(namespace).some((p) => p.origin !== 'cluster' && isNear(p.owner, from));
  }

  /** Custom resources in the namespace whose kinds may create pods the input does not show. */
  opaqueResourcesIn(namespace: string): readonly KObject[] {
    return this.opaqueByNamespace.get(namespace) ?? [];
  }

  /**
   * Whether a Service is the apex (root) Service of an SMI TrafficSplit in its namespace: the mesh
   * sends its clients' traffic to the split's backends, so the apex needs no endpoints of its own
   * (SMI traffic-split spec: `spec.service` is the root service clients use).
   */
  isTrafficSplitApex(svc: KObject): boolean {
    return this.ofKind('split.smi-spec.io', 'TrafficSplit').some(
      (ts) => ts.namespace === svc.namespace && getPath(ts.raw, ['spec', 'service']) === svc.name,
    );
  }

  /** Custom resources in the namespace (any kind outside the built-in API groups). */
  customResourcesIn(namespace: string): readonly KObject[] {
    return this.customByNamespace.get(namespace) ?? [];
  }

  /**
   * Could something not in the input provide pods for this selector, or a Service of this name?
   * Custom resources of the namespace that the reference names (a selector value equal to their
   * name, a Service name they are the stem of), and those that may create objects at all. Rules
   * lower a "missing" finding to a warning when the latter exist and to a note for the former.
   */
  outsideProviders(
    namespace: string,
    ref: { selector: Selector } | { serviceName: string },
    from: KObject,
  ): OutsideProviders {
    return outsideProviders(this, namespace, ref, from);
  }

  /**
   * How sure a finding about a missing object can be (see closed-world.ts): an error only when the
   * namespace holds objects of that kind and one has a name a typo away; for Services, lower when
   * a custom resource may create it.
   */
  judgeMissing(
    ref: { group: string; kind: string; namespace: string | undefined; name: string },
    from: KObject,
  ): MissingVerdict {
    const providers =
      ref.group === '' && ref.kind === 'Service' && ref.namespace !== undefined
        ? this.outsideProviders(ref.namespace, { serviceName: ref.name }, from)
        : undefined;
    return judgeMissing(this, ref, from, providers);
  }

  namespaceLabels(name: string): Record<string, string> {
    return this.namespaces.get(name)?.labels ?? { [NAMESPACE_NAME_LABEL]: name };
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
