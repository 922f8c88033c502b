// Policies read into the one shape the engine evaluates. Each dialect (Kubernetes NetworkPolicy
// here, Cilium in cilium.ts) has its own reader; the evaluator (engine.ts) knows only this shape.
import type { FieldPath } from '../load/types';
import { parseLabelSelector, type Requirement, type Selector } from '../model/labels';
import type { Model } from '../model/model';
import type { KObject } from '../model/object';
import { parseCidr, type Cidr } from '../net/cidr';
import { asArray, asNumber, asRecord, asString, isRecord } from '../util/values';
import type { CalicoPolicyInfo, CalicoRule } from './calico';

export type Dialect = 'kubernetes' | 'cilium' | 'calico';

export interface PortSpec {
  /** TCP when not given. Cilium's ANY is read as one spec per protocol. */
  protocol: string;
  /** A number, a named port, or undefined for every port of the protocol. */
  port: number | string | undefined;
  endPort: number | undefined;
  /** Cilium L7 rules on this port (http, kafka, dns): the proxy filters requests, L4 is allowed. */
  l7: string[];
  path: FieldPath;
}

/** Address block fields shared by a Kubernetes ipBlock and a Cilium CIDR peer. */
export interface CidrBlock {
  cidr: Cidr | undefined;
  cidrText: string;
  except: { cidr: Cidr | undefined; text: string; path: FieldPath }[];
  path: FieldPath;
}

export type Peer =
  | {
      kind: 'pods';
      /** undefined: the policy's own namespace. */
      namespaceSelector: Selector | undefined;
      /** undefined: every pod of the selected namespaces. */
      podSelector: Selector | undefined;
      path: FieldPath;
    }
  | ({ kind: 'ipBlock' } & CidrBlock)
  /** Cilium toEndpoints/fromEndpoints: a selector over endpoint labels, scoped as the agent does. */
  | { kind: 'endpoints'; selector: Selector; path: FieldPath }
  /** Cilium toNodes/fromNodes: nodes (the host and remote-node entities), never pods. */
  | { kind: 'nodes'; selector: Selector; path: FieldPath }
  /** Cilium toEntities/fromEntities. */
  | { kind: 'entity'; entity: string; path: FieldPath }
  /** Cilium toCIDR/toCIDRSet/fromCIDR/fromCIDRSet: addresses outside the cluster's endpoints. */
  | ({ kind: 'cidr' } & CidrBlock)
  /**
   * Cilium toGroups (cloud provider groups) and CIDR groups the input does not hold: addresses
   * outside the cluster that cannot be known offline. Allows give them the benefit of the doubt
   * (any outside address); denies are not taken to drop anything. Never a definite verdict.
   */
  | { kind: 'unresolved'; source: 'toGroups' | 'cidrGroup'; what: string; path: FieldPath }
  /** Cilium toFQDNs: addresses learnt from DNS answers at run time. */
  | { kind: 'fqdn'; text: string; path: FieldPath }
  /** Cilium toServices: the backends of a Service. */
  | {
      kind: 'service';
      name: string | undefined;
      namespace: string | undefined;
      selector: Selector | undefined;
      path: FieldPath;
    };

export interface PolicyRule {
  direction: 'ingress' | 'egress';
  index: number;
  /** Cilium ingressDeny/egressDeny: what it matches is dropped whatever allows it. */
  deny: boolean;
  /** undefined: every peer (no from/to; a Cilium rule with toPorts only). []: no peer. */
  peers: Peer[] | undefined;
  /** undefined: the rule has no ports and so allows every port. */
  ports: PortSpec[] | undefined;
  /**
   * Cilium fromRequires/toRequires (deprecated), already scoped like a peer selector: requirements
   * that every endpoint peer of every rule of the same kind (allow or deny) that applies to the same
   * endpoint must also meet. They grant nothing by themselves.
   */
  requires?: Requirement[];
  path: FieldPath;
  /** Calico: the rule as written (action, protocol, source and destination); peers is then undefined. */
  calico?: CalicoRule;
}

export interface Policy {
  dialect: Dialect;
  obj: KObject;
  /** The policy's namespace; '' for a cluster-wide policy. */
  namespace: string;
  clusterWide: boolean;
  /** Where the rule lives in the object: ['spec'], or ['specs', i] for a Cilium rule list. */
  specPath: FieldPath;
  /** Kubernetes: a podSelector of the namespace. Cilium: an endpoint selector, already scoped. */
  podSelector: Selector;
  /** Cilium nodeSelector: the policy selects nodes, not pods. */
  selectsNodes: boolean;
  /** Which directions the policy isolates (puts in default deny), after defaulting. */
  ingress: boolean;
  egress: boolean;
  /** Whether policyTypes (Kubernetes) or enableDefaultDeny (Cilium) was written. */
  explicitTypes: boolean;
  /** Allow and deny rules of each direction (deny rules carry `deny`). */
  ingressRules: PolicyRule[];
  egressRules: PolicyRule[];
  /** What the API server would reject, with where. */
  errors: { path: FieldPath; message: string }[];
  /** Calico: tier, order and selectors (policies are evaluated in order, first match). */
  calico?: CalicoPolicyInfo;
}

function readPorts(raw: unknown, path: FieldPath, errors: Policy['errors']): PortSpec[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const list = asArray(raw);
  // "If this field is empty or missing, this rule matches all ports" (NetworkPolicyIngressRule.ports).
  if (list.length === 0) return undefined;
  // The engine keeps every rule, peer and port of every policy: lists and paths are built at their
  // exact size (slice, map, concat), where flatMap and spreads leave room for 17 elements (#22).
  const ports = list.flatMap((p, i) => {
    if (!isRecord(p)) return [];
    const at = path.concat(i);
    const rawPort = p['port'];
    const port =
      typeof rawPort === 'string' && /^\d+$/.test(rawPort)
        ? Number(rawPort)
        : (asNumber(rawPort) ?? asString(rawPort));
    const endPort = asNumber(p['endPort']);
    const protocol = asString(p['protocol']) ?? 'TCP';
    if (!['TCP', 'UDP', 'SCTP'].includes(protocol))
      errors.push({ path: at.concat('protocol'), message: `protocol '${protocol}' is not TCP, UDP or SCTP` });
    if (endPort !== undefined) {
      if (port === undefined)
        errors.push({ path: at.concat('endPort'), message: 'endPort is set without port' });
      else if (typeof port === 'string')
        errors.push({
          path: at.concat('endPort'),
          message: `endPort cannot be used with the named port '${port}'`,
        });
      else if (endPort < port)
        errors.push({ path: at.concat('endPort'), message: `endPort ${endPort} is below port ${port}` });
    }
    return [{ protocol, port, endPort, l7: [], path: at }];
  });
  return ports.slice();
}

function readPeers(raw: unknown, path: FieldPath, errors: Policy['errors']): Peer[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const list = asArray(raw);
  // "If this field is empty or missing, this rule matches all sources" (NetworkPolicyIngressRule.from).
  if (list.length === 0) return undefined;
  const peers = list.flatMap((p, i): Peer[] => {
    const at = path.concat(i);
    if (!isRecord(p)) return [];
    const ipBlock = asRecord(p['ipBlock']);
    const hasNs = p['namespaceSelector'] !== undefined && p['namespaceSelector'] !== null;
    const hasPod = p['podSelector'] !== undefined && p['podSelector'] !== null;
    if (ipBlock) {
      if (hasNs || hasPod)
        errors.push({
          path: at,
          message: 'ipBlock cannot be combined with namespaceSelector or podSelector in one peer',
        });
      const cidrText = asString(ipBlock['cidr']) ?? '';
      return [
        {
          kind: 'ipBlock',
          cidr: parseCidr(cidrText),
          cidrText,
          except: asArray(ipBlock['except']).map((e, j) => ({
            cidr: parseCidr(String(e)),
            text: String(e),
            path: at.concat('ipBlock', 'except', j),
          })),
          path: at.concat('ipBlock'),
        },
      ];
    }
    if (!hasNs && !hasPod) {
      errors.push({ path: at, message: 'a peer needs podSelector, namespaceSelector or ipBlock' });
      return [];
    }
    const ns = hasNs ? parseLabelSelector(p['namespaceSelector']) : undefined;
    const pod = hasPod ? parseLabelSelector(p['podSelector']) : undefined;
    for (const [sel, field] of [
      [ns, 'namespaceSelector'],
      [pod, 'podSelector'],
    ] as const) {
      for (const e of sel?.errors ?? []) errors.push({ path: at.concat(field), message: e });
    }
    return [{ kind: 'pods', namespaceSelector: ns, podSelector: pod, path: at }];
  });
  return peers.slice();
}

function readRules(
  spec: Record<string, unknown>,
  direction: 'ingress' | 'egress',
  errors: Policy['errors'],
): PolicyRule[] {
  const peerField = direction === 'ingress' ? 'from' : 'to';
  const rules = asArray(spec[direction]).flatMap((r, index) => {
    const path: FieldPath = ['spec', direction, index];
    // An empty rule `{}` allows everything in that direction.
    const rule = isRecord(r) ? r : {};
    return [
      {
        direction,
        index,
        deny: false,
        peers: readPeers(rule[peerField], path.concat(peerField), errors),
        ports: readPorts(rule['ports'], path.concat('ports'), errors),
        path,
      },
    ];
  });
  return rules.slice();
}

export function readPolicy(obj: KObject): Policy | undefined {
  if (obj.namespace === undefined) return undefined;
  const spec = asRecord(obj.raw['spec']) ?? {};
  const errors: Policy['errors'] = [];
  const podSelector = parseLabelSelector(spec['podSelector']);
  for (const e of podSelector.errors) errors.push({ path: ['spec', 'podSelector'], message: e });
  const rawTypes = spec['policyTypes'];
  const types = Array.isArray(rawTypes) ? rawTypes.map(String) : undefined;
  for (const t of types ?? []) {
    if (t !== 'Ingress' && t !== 'Egress')
      errors.push({ path: ['spec', 'policyTypes'], message: `policyType '${t}' is not Ingress or Egress` });
  }
  // "If this field is not specified, it will default based on the existence of ingress or egress
  // rules; policies that contain an egress section are assumed to affect egress, and all policies
  // (whether or not they contain an ingress section) are assumed to affect ingress."
  // (API reference, NetworkPolicySpec.policyTypes)
  const hasEgress = spec['egress'] !== undefined && spec['egress'] !== null;
  const ingress = types ? types.includes('Ingress') : true;
  const egress = types ? types.includes('Egress') : hasEgress;
  return {
    dialect: 'kubernetes',
    obj,
    namespace: obj.namespace,
    clusterWide: false,
    specPath: ['spec'],
    podSelector,
    selectsNodes: false,
    ingress,
    egress,
    explicitTypes: types !== undefined,
    ingressRules: readRules(spec, 'ingress', errors),
    egressRules: readRules(spec, 'egress', errors),
    errors,
  };
}

const cache = new WeakMap<Model, Policy[]>();

/** NetworkPolicies of the input (networking.k8s.io/v1 and the legacy extensions/v1beta1); read once per model. */
export function policiesOf(model: Model): Policy[] {
  let list = cache.get(model);
  if (!list) {
    list = [
      ...model.ofKind('networking.k8s.io', 'NetworkPolicy'),
      ...model.ofKind('extensions', 'NetworkPolicy'),
    ].flatMap((o) => {
      const p = readPolicy(o);
      return p ? [p] : [];
    });
    cache.set(model, list);
  }
  return list;
}
