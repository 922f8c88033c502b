// Calico policies (projectcalico.org/v3, and crd.projectcalico.org/v1 as the same objects) read
// into the shared Policy shape, with what the Calico API server / calicoctl validation rejects.
// Field semantics: docs.tigera.io/calico/latest/reference/resources/{networkpolicy,
// globalnetworkpolicy,tier,networkset,globalnetworkset,hostendpoint}.
import type { FieldPath } from '../load/types';
import type { Model } from '../model/model';
import type { KObject } from '../model/object';
import { parseCidr, type Cidr } from '../net/cidr';
import { asArray, asNumber, asRecord, asString } from '../util/values';
import { parseCalicoSelector, usesGlobal, type CalicoSelector } from './calico-selector';
import type { Policy, PolicyRule, PortSpec } from './policy';

export const CALICO_GROUPS = ['projectcalico.org', 'crd.projectcalico.org'] as const;

export type CalicoAction = 'Allow' | 'Deny' | 'Log' | 'Pass';
const ACTIONS: readonly string[] = ['Allow', 'Deny', 'Log', 'Pass'];

/** A destination (or source) port: a number, a range `min:max`, or a named port. */
export type CalicoPort = { first: number; last: number } | { name: string };

export interface CalicoNet {
  cidr: Cidr | undefined;
  text: string;
  path: FieldPath;
}

/** A rule's source or destination (EntityRule). Every field that is set must match (AND). */
export interface CalicoEntity {
  nets: CalicoNet[];
  notNets: CalicoNet[];
  selector: CalicoSelector | undefined;
  notSelector: CalicoSelector | undefined;
  namespaceSelector: CalicoSelector | undefined;
  ports: CalicoPort[] | undefined;
  notPorts: CalicoPort[] | undefined;
  serviceAccounts: { names: string[]; selector: CalicoSelector | undefined } | undefined;
  services: { name: string; namespace: string | undefined } | undefined;
  path: FieldPath;
}

export interface CalicoRule {
  action: string;
  /** Upper-cased name (TCP, UDP, SCTP, ICMP, ICMPV6, UDPLITE) or a number as text. */
  protocol: string | undefined;
  notProtocol: string | undefined;
  source: CalicoEntity;
  destination: CalicoEntity;
}

export interface CalicoPolicyInfo {
  tier: string;
  /** undefined: applied last in its tier. */
  order: number | undefined;
  /** Ties on order are broken by this name. */
  sortName: string;
  /** The policy's endpoint selector (the `selector` field; empty = all()). */
  selector: CalicoSelector;
  /** GlobalNetworkPolicy namespaceSelector: the namespaces whose endpoints it selects. */
  namespaceSelector: CalicoSelector | undefined;
  serviceAccountSelector: CalicoSelector | undefined;
  /** Whether `types` was written (Calico defaults it from the rules otherwise). */
  typesWritten: boolean;
}

export interface CalicoTier {
  name: string;
  /** undefined: evaluated last. The default tier's order is fixed at 1,000,000. */
  order: number | undefined;
  defaultAction: 'Deny' | 'Pass';
  obj: KObject | undefined;
}

/** "The default tier is created during installation and has the order of 1,000,000" (Calico docs, tiered policy). */
export const DEFAULT_TIER_ORDER = 1_000_000;

/**
 * Kubernetes NetworkPolicies are enforced in Calico's default tier: Calico converts each into a
 * policy `knp.default.<name>` with order 1000 (libcalico-go lib/backend/k8s/conversion,
 * K8sNetworkPolicyToCalico), so a default-tier Calico policy of lower order decides first.
 */
export const K8S_POLICY_ORDER = 1000;

const PORT_PROTOCOLS = ['TCP', 'UDP', 'SCTP', 'UDPLITE', '6', '17', '132', '136'];
const NAMED_PROTOCOLS = ['TCP', 'UDP', 'ICMP', 'ICMPV6', 'SCTP', 'UDPLITE'];

/** Calico's protocol numbers for the names ConnSet knows. */
export function protocolName(p: string | undefined): string | undefined {
  if (p === undefined) return undefined;
  return { '6': 'TCP', '17': 'UDP', '132': 'SCTP' }[p] ?? p;
}

export function isCalico(obj: KObject): boolean {
  return (CALICO_GROUPS as readonly string[]).includes(obj.group);
}

type Errors = Policy['errors'];

function selectorAt(
  raw: unknown,
  path: FieldPath,
  errors: Errors,
  what: string,
  allowGlobal = false,
): CalicoSelector | undefined {
  if (raw === undefined || raw === null) return undefined;
  const text = typeof raw === 'string' ? raw : String(raw);
  const sel = parseCalicoSelector(text);
  if (sel.error)
    errors.push({
      path,
      message: `${what} "${text}" does not parse: ${sel.error.message} at column ${sel.error.column}`,
    });
  else if (!allowGlobal && sel.expr && usesGlobal(sel.expr))
    errors.push({
      path,
      message: `${what} "${text}" uses global(), which is valid only in a namespaceSelector`,
    });
  return sel;
}

export function readNets(raw: unknown, path: FieldPath, errors: Errors): CalicoNet[] {
  return asArray(raw).map((n, i) => {
    const text = String(n);
    const at = [...path, i];
    const cidr = parseCidr(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`);
    if (!cidr) errors.push({ path: at, message: `'${text}' is not a valid CIDR` });
    return { cidr, text, path: at };
  });
}

function readPortList(raw: unknown, path: FieldPath, errors: Errors): CalicoPort[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  return asArray(raw).flatMap((p, i): CalicoPort[] => {
    const at = [...path, i];
    if (typeof p === 'number') {
      if (!Number.isInteger(p) || p < 0 || p > 65535) {
        errors.push({ path: at, message: `port ${p} is not between 0 and 65535` });
        return [];
      }
      return [{ first: p, last: p }];
    }
    const text = String(p);
    const range = /^(\d+)(?::(\d+))?$/.exec(text);
    if (range) {
      const first = Number(range[1]);
      const last = range[2] === undefined ? first : Number(range[2]);
      if (first > 65535 || last > 65535 || first > last) {
        errors.push({ path: at, message: `port range '${text}' is not min:max within 0-65535` });
        return [];
      }
      return [{ first, last }];
    }
    return [{ name: text }];
  });
}

function readEntity(raw: unknown, path: FieldPath, errors: Errors): CalicoEntity {
  const e = asRecord(raw) ?? {};
  const sa = asRecord(e['serviceAccounts']);
  const svc = asRecord(e['services']);
  const entity: CalicoEntity = {
    nets: readNets(e['nets'], [...path, 'nets'], errors),
    notNets: readNets(e['notNets'], [...path, 'notNets'], errors),
    selector: selectorAt(e['selector'], [...path, 'selector'], errors, 'selector'),
    notSelector: selectorAt(e['notSelector'], [...path, 'notSelector'], errors, 'notSelector'),
    namespaceSelector: selectorAt(
      e['namespaceSelector'],
      [...path, 'namespaceSelector'],
      errors,
      'namespaceSelector',
      true,
    ),
    ports: readPortList(e['ports'], [...path, 'ports'], errors),
    notPorts: readPortList(e['notPorts'], [...path, 'notPorts'], errors),
    serviceAccounts: sa
      ? {
          names: asArray(sa['names']).map(String),
          selector: selectorAt(sa['selector'], [...path, 'serviceAccounts', 'selector'], errors, 'selector'),
        }
      : undefined,
    services: svc ? { name: asString(svc['name']) ?? '', namespace: asString(svc['namespace']) } : undefined,
    path,
  };
  if (entity.services) {
    // ServiceMatch "cannot be specified on the same rule as Selector, NotSelector, NamespaceSelector,
    // Nets, NotNets or ServiceAccounts" (Calico API, EntityRule.services).
    const set: [string, boolean][] = [
      ['selector', entity.selector !== undefined],
      ['notSelector', entity.notSelector !== undefined],
      ['namespaceSelector', entity.namespaceSelector !== undefined],
      ['serviceAccounts', entity.serviceAccounts !== undefined],
      ['nets', entity.nets.length > 0],
      ['notNets', entity.notNets.length > 0],
    ];
    const mixed = set.filter(([, v]) => v).map(([k]) => k);
    if (mixed.length)
      errors.push({
        path: [...path, 'services'],
        message: `services cannot be combined with ${mixed.join(', ')} in one entity`,
      });
    if (!entity.services.name) errors.push({ path: [...path, 'services'], message: 'services needs a name' });
  }
  return entity;
}

function readRule(
  raw: unknown,
  path: FieldPath,
  errors: Errors,
  direction: 'ingress' | 'egress',
): CalicoRule {
  const r = asRecord(raw) ?? {};
  const action = asString(r['action']) ?? '';
  if (!ACTIONS.includes(action))
    errors.push({
      path: [...path, 'action'],
      message: action ? `action '${action}' is not Allow, Deny, Log or Pass` : 'a rule needs an action',
    });
  const proto = (raw: unknown, field: string): string | undefined => {
    if (raw === undefined || raw === null) return undefined;
    const text = String(raw).toUpperCase();
    const n = Number(text);
    if (!NAMED_PROTOCOLS.includes(text) && !(Number.isInteger(n) && n >= 1 && n <= 255))
      errors.push({
        path: [...path, field],
        message: `protocol '${String(raw)}' is not a protocol name or 1-255`,
      });
    return text;
  };
  const protocol = proto(r['protocol'], 'protocol');
  const notProtocol = proto(r['notProtocol'], 'notProtocol');
  const source = readEntity(r['source'], [...path, 'source'], errors);
  const destination = readEntity(r['destination'], [...path, 'destination'], errors);
  for (const [entity, side] of [
    [source, 'source'],
    [destination, 'destination'],
  ] as const) {
    for (const field of ['ports', 'notPorts'] as const) {
      // "Rules that specify ports must set protocol to TCP, UDP, SCTP or UDPLite" (calicoctl validation).
      if (entity[field] !== undefined && (protocol === undefined || !PORT_PROTOCOLS.includes(protocol)))
        errors.push({
          path: [...path, side, field],
          message: `${side}.${field} needs protocol TCP, UDP, SCTP or UDPLite${protocol ? ` (not ${protocol})` : ''}`,
        });
    }
  }
  // Services name the far side only: destination in an egress rule, source in an ingress rule.
  const near = direction === 'egress' ? source : destination;
  if (near.services)
    errors.push({
      path: [...near.path, 'services'],
      message: `services is valid only in the ${direction === 'egress' ? 'destination' : 'source'} of an ${direction} rule`,
    });
  if ((r['icmp'] !== undefined || r['notICMP'] !== undefined) && protocol !== 'ICMP' && protocol !== 'ICMPV6')
    errors.push({ path: [...path, 'icmp'], message: 'icmp needs protocol ICMP or ICMPv6' });
  return { action, protocol, notProtocol, source, destination };
}

/** The positive port specs of a rule, for code that lists what a rule allows. */
function portSpecs(rule: CalicoRule, path: FieldPath): PortSpec[] | undefined {
  const protocol = protocolName(rule.protocol);
  if (!rule.destination.ports)
    return protocol && ['TCP', 'UDP', 'SCTP'].includes(protocol)
      ? [{ protocol, port: undefined, endPort: undefined, l7: [], path }]
      : undefined;
  return rule.destination.ports.map((p, i) => ({
    protocol: protocol ?? 'TCP',
    port: 'name' in p ? p.name : p.first,
    endPort: 'name' in p || p.first === p.last ? undefined : p.last,
    l7: [],
    path: [...path, 'destination', 'ports', i],
  }));
}

export function readCalicoPolicy(obj: KObject): Policy {
  const global = obj.kind === 'GlobalNetworkPolicy';
  const spec = asRecord(obj.raw['spec']) ?? {};
  const errors: Errors = [];
  const rules = (direction: 'ingress' | 'egress'): PolicyRule[] =>
    asArray(spec[direction]).map((raw, index) => {
      const path: FieldPath = ['spec', direction, index];
      const calico = readRule(raw, path, errors, direction);
      return {
        direction,
        index,
        deny: calico.action === 'Deny',
        peers: undefined,
        ports: portSpecs(calico, path),
        path,
        calico,
      };
    });
  const ingressRules = rules('ingress');
  const egressRules = rules('egress');
  const rawTypes = spec['types'];
  const types = Array.isArray(rawTypes) ? rawTypes.map(String) : undefined;
  for (const t of types ?? [])
    if (t !== 'Ingress' && t !== 'Egress')
      errors.push({ path: ['spec', 'types'], message: `type '${t}' is not Ingress or Egress` });
  // Calico's defaulting differs from Kubernetes: "If not specified: Ingress if there are no egress
  // rules (whether or not there are ingress rules); Egress if there are egress rules but no ingress
  // rules; both if there are both" (Calico docs, NetworkPolicy spec.types).
  const hasIn = ingressRules.length > 0;
  const hasOut = egressRules.length > 0;
  const ingress = types ? types.includes('Ingress') : !hasOut || hasIn;
  const egress = types ? types.includes('Egress') : hasOut;
  const tier = asString(spec['tier']) || 'default';
  const order = asNumber(spec['order']);
  const selector =
    selectorAt(spec['selector'], ['spec', 'selector'], errors, 'selector') ?? parseCalicoSelector('');
  return {
    dialect: 'calico',
    obj,
    namespace: global ? '' : (obj.namespace ?? 'default'),
    clusterWide: global,
    specPath: ['spec'],
    podSelector: { requirements: [], errors: [] },
    // Untracked (doNotTrack) and pre-DNAT policies are host endpoint policies: "Policy for host
    // endpoints can be marked as preDNAT", and untracked policy never has a net effect on flows to
    // local workloads (Calico docs, reference/host-endpoints/pre-dnat and .../summary). They isolate
    // no pod.
    selectsNodes: global && (spec['doNotTrack'] === true || spec['preDNAT'] === true),
    ingress,
    egress,
    explicitTypes: types !== undefined,
    ingressRules,
    egressRules,
    errors,
    calico: {
      tier,
      order,
      sortName: global ? obj.name : `${obj.namespace ?? 'default'}/${obj.name}`,
      selector,
      namespaceSelector: global
        ? selectorAt(
            spec['namespaceSelector'],
            ['spec', 'namespaceSelector'],
            errors,
            'namespaceSelector',
            true,
          )
        : undefined,
      serviceAccountSelector: selectorAt(
        spec['serviceAccountSelector'],
        ['spec', 'serviceAccountSelector'],
        errors,
        'serviceAccountSelector',
      ),
      typesWritten: types !== undefined,
    },
  };
}

const cache = new WeakMap<Model, Policy[]>();

/** Calico NetworkPolicies and GlobalNetworkPolicies of the input (staged policies are not enforced). */
export function calicoPoliciesOf(model: Model): Policy[] {
  let list = cache.get(model);
  if (!list) {
    list = CALICO_GROUPS.flatMap((g) => [
      ...model.ofKind(g, 'GlobalNetworkPolicy'),
      ...model.ofKind(g, 'NetworkPolicy'),
    ]).map(readCalicoPolicy);
    cache.set(model, list);
  }
  return list;
}

const tierCache = new WeakMap<Model, Map<string, CalicoTier>>();

/** Tiers by name; the default tier always exists. */
export function calicoTiers(model: Model): Map<string, CalicoTier> {
  let tiers = tierCache.get(model);
  if (!tiers) {
    tiers = new Map([
      ['default', { name: 'default', order: DEFAULT_TIER_ORDER, defaultAction: 'Deny', obj: undefined }],
    ]);
    for (const obj of CALICO_GROUPS.flatMap((g) => model.ofKind(g, 'Tier'))) {
      const spec = asRecord(obj.raw['spec']) ?? {};
      if (obj.name === 'default') continue; // its order is fixed
      tiers.set(obj.name, {
        name: obj.name,
        order: asNumber(spec['order']),
        // "defaultAction: Deny (default) or Pass" (Calico docs, Tier).
        defaultAction: asString(spec['defaultAction']) === 'Pass' ? 'Pass' : 'Deny',
        obj,
      });
    }
    tierCache.set(model, tiers);
  }
  return tiers;
}

export interface CalicoNetworkSet {
  obj: KObject;
  /** undefined for a GlobalNetworkSet. */
  namespace: string | undefined;
  labels: Map<string, string>;
  nets: CalicoNet[];
}

const setCache = new WeakMap<Model, CalicoNetworkSet[]>();

/** NetworkSets and GlobalNetworkSets: labelled address lists that rule selectors match. */
export function calicoNetworkSets(model: Model): CalicoNetworkSet[] {
  let list = setCache.get(model);
  if (!list) {
    list = CALICO_GROUPS.flatMap((g) => [
      ...model.ofKind(g, 'NetworkSet'),
      ...model.ofKind(g, 'GlobalNetworkSet'),
    ]).map((obj) => {
      const spec = asRecord(obj.raw['spec']) ?? {};
      const global = obj.kind === 'GlobalNetworkSet';
      return {
        obj,
        namespace: global ? undefined : (obj.namespace ?? 'default'),
        labels: new Map(Object.entries(obj.labels)),
        nets: readNets(spec['nets'], ['spec', 'nets'], []),
      };
    });
    setCache.set(model, list);
  }
  return list;
}
