// The Cilium dialect: CiliumNetworkPolicy (namespaced) and CiliumClusterwideNetworkPolicy read into
// the engine's Policy shape. Semantics follow the agent: pkg/k8s/apis/cilium.io/utils/utils.go
// (namespace scoping) and pkg/policy/api (rule fields, defaults), cited where subtle.
import type { FieldPath } from '../load/types';
import { parseLabelSelector, selectorMatches, type Requirement, type Selector } from '../model/labels';
import type { Model } from '../model/model';
import type { KObject } from '../model/object';
import { placeholderWithin } from '../load/placeholder';
import { contains, parseCidr } from '../net/cidr';
import { asArray, asNumber, asRecord, asString, isRecord } from '../util/values';
import {
  hasKey,
  hasKeyPrefix,
  NAMESPACE_LABELS,
  normalizeSelector,
  POD_NAMESPACE,
  withRequirement,
} from './cilium-labels';
import type { Peer, Policy, PolicyRule, PortSpec } from './policy';

/** The entities of pkg/policy/api/entity.go; any other name makes the agent reject the rule. */
export const ENTITIES = new Set([
  'all',
  'world',
  'world-ipv4',
  'world-ipv6',
  'cluster',
  'host',
  'remote-node',
  'kube-apiserver',
  'health',
  'init',
  'ingress',
  'unmanaged',
  'none',
]);

type Errors = Policy['errors'];

/** CiliumCIDRGroups of the input: name, labels and CIDRs (spec.externalCIDRs). */
export interface CidrGroup {
  obj: KObject;
  labels: Map<string, string>;
  cidrs: string[];
}

interface Scope {
  /** '' for a cluster-wide policy. */
  namespace: string;
  groups: readonly CidrGroup[];
  /** The rule has a nodeSelector (a host policy). */
  hostPolicy: boolean;
  /** The policy selects initializing pods (reserved:init): peers are not namespace-scoped. */
  matchesInit: boolean;
}

function selectorAt(raw: unknown, path: FieldPath, errors: Errors): Selector {
  const sel = normalizeSelector(parseLabelSelector(raw));
  for (const e of sel.errors) errors.push({ path, message: e });
  return sel;
}

/**
 * A peer endpoint selector as the agent scopes it (getEndpointSelector in utils.go): selectors of
 * reserved labels stay as written; otherwise, without a namespace key, a namespaced policy limits
 * the selector to its own namespace (unless it names namespace labels), and a cluster-wide policy
 * to endpoints that have a namespace at all, i.e. pods, never the host or the world.
 */
function scopedPeerSelector(sel: Selector, scope: Scope): Selector {
  if (hasKeyPrefix(sel, 'reserved:')) return sel;
  if (hasKey(sel, POD_NAMESPACE)) return sel;
  if (scope.namespace === '') {
    return scope.matchesInit
      ? sel
      : withRequirement(sel, { key: POD_NAMESPACE, operator: 'Exists', values: [] });
  }
  if (hasKeyPrefix(sel, NAMESPACE_LABELS)) return sel;
  return withRequirement(sel, { key: POD_NAMESPACE, operator: 'In', values: [scope.namespace] });
}

function cidrPeer(
  text: string,
  except: unknown[],
  path: FieldPath,
  exceptPath: FieldPath,
  errors: Errors,
): Peer {
  // A bare address is a host route (api.CIDR accepts "10.0.0.1" as well as "10.0.0.0/8").
  const cidr = parseCidr(text) ?? parseCidr(text.includes(':') ? `${text}/128` : `${text}/32`);
  if (!cidr) errors.push({ path, message: `unable to parse CIDR: ${text}` });
  const excepts = except.map((e, j) => ({
    cidr: parseCidr(String(e)),
    text: String(e),
    path: [...exceptPath, j],
  }));
  for (const e of excepts)
    if (cidr && e.cidr && !contains(cidr, e.cidr))
      errors.push({
        path: e.path,
        message: `allow CIDR prefix ${text} does not contain exclude CIDR prefix ${e.text}`,
      });
  return { kind: 'cidr', cidr, cidrText: text, except: excepts, path };
}

/** L3 fields of a rule, by direction; the agent rejects a rule that combines two kinds. */
const L3_FIELDS = {
  ingress: [
    'fromEndpoints',
    'fromRequires',
    'fromEntities',
    'fromCIDR',
    'fromCIDRSet',
    'fromNodes',
    'fromGroups',
  ],
  egress: [
    'toEndpoints',
    'toRequires',
    'toEntities',
    'toCIDR',
    'toCIDRSet',
    'toServices',
    'toFQDNs',
    'toNodes',
    'toGroups',
  ],
} as const;

function readPeers(
  rule: Record<string, unknown>,
  direction: 'ingress' | 'egress',
  path: FieldPath,
  scope: Scope,
  errors: Errors,
): Peer[] | undefined {
  const present = L3_FIELDS[direction].filter(
    (f) => rule[f] !== undefined && rule[f] !== null && !f.endsWith('Requires'),
  );
  // Rule sanitizing (pkg/policy/api/rule_validation.go) rejects a rule with two non-empty L3
  // members, ToCIDR and ToCIDRSet included; fromRequires/toRequires only add requirements.
  const members = present.filter((f) => !f.endsWith('Requires') && asArray(rule[f]).length > 0);
  if (members.length > 1) {
    const go = (f: string) => f[0]?.toUpperCase() + f.slice(1);
    errors.push({
      path,
      message: `Combining ${go(members[0] ?? '')} and ${go(members[1] ?? '')} is not supported yet`,
    });
  }
  if (members.includes('toServices') && asArray(rule['toPorts']).length > 0)
    errors.push({ path, message: 'Combining ToServices and ToPorts is not supported yet' });
  // A rule with no L3 field selects every peer when it has toPorts (an L4-only rule), and nothing
  // otherwise: `ingress: [{}]` is Cilium's documented "default deny without allowing anything".
  if (present.length === 0) {
    const hasL4 = asArray(rule['toPorts']).length > 0 || asArray(rule['icmps']).length > 0;
    return hasL4 ? undefined : [];
  }
  const peers: Peer[] = [];
  for (const field of present) {
    const at = [...path, field];
    asArray(rule[field]).forEach((item, i) => {
      const p = [...at, i];
      switch (field) {
        case 'fromEndpoints':
        case 'toEndpoints':
          peers.push({
            kind: 'endpoints',
            selector: scopedPeerSelector(selectorAt(item, p, errors), scope),
            path: p,
          });
          break;
        case 'fromNodes':
        case 'toNodes':
          peers.push({ kind: 'nodes', selector: selectorAt(item, p, errors), path: p });
          break;
        case 'fromEntities':
        case 'toEntities': {
          const entity = String(item);
          if (!ENTITIES.has(entity)) errors.push({ path: p, message: `unsupported entity: ${entity}` });
          peers.push({ kind: 'entity', entity, path: p });
          break;
        }
        case 'fromCIDR':
        case 'toCIDR':
          peers.push(cidrPeer(String(item), [], p, p, errors));
          break;
        case 'fromCIDRSet':
        case 'toCIDRSet': {
          const set = asRecord(item) ?? {};
          const cidr = asString(set['cidr']);
          if (cidr)
            peers.push(cidrPeer(cidr, asArray(set['except']), [...p, 'cidr'], [...p, 'except'], errors));
          else peers.push(...groupPeers(set, p, scope));
          break;
        }
        case 'toServices': {
          const svc = asRecord(item) ?? {};
          const byName = asRecord(svc['k8sService']);
          const bySel = asRecord(svc['k8sServiceSelector']);
          peers.push({
            kind: 'service',
            name: asString(byName?.['serviceName']),
            namespace:
              asString(byName?.['namespace'] ?? bySel?.['namespace']) ?? (scope.namespace || undefined),
            selector: bySel ? parseLabelSelector(bySel['selector']) : undefined,
            path: p,
          });
          break;
        }
        case 'toFQDNs': {
          const f = asRecord(item) ?? {};
          // FQDNSelector.sanitize: matchName and matchPattern are exclusive in one selector.
          if (asString(f['matchName']) && asString(f['matchPattern']))
            errors.push({
              path: p,
              message: 'only one of MatchName or MatchPattern is allowed in an FQDNSelector',
            });
          peers.push({
            kind: 'fqdn',
            text: asString(f['matchName']) ?? asString(f['matchPattern']) ?? '',
            path: p,
          });
          break;
        }
        case 'toGroups': {
          // Cloud provider groups (AWS security groups...) resolve through the provider's API.
          const g = asRecord(item) ?? {};
          const provider = Object.keys(g)[0] ?? 'cloud';
          peers.push({
            kind: 'unresolved',
            source: 'toGroups',
            what: `${provider} group (toGroups)`,
            path: p,
          });
          break;
        }
      }
    });
  }
  return peers;
}

/**
 * The CIDRs of a toCIDRSet/fromCIDRSet entry that names CiliumCIDRGroups (cidrGroupRef by name,
 * cidrGroupSelector by labels; api.CIDRRule): each group's spec.externalCIDRs, with the entry's
 * excepts. A group the input does not hold is unresolved: what it admits is unknown offline.
 */
function groupPeers(set: Record<string, unknown>, path: FieldPath, scope: Scope): Peer[] {
  const ref = asString(set['cidrGroupRef']);
  const selRaw = set['cidrGroupSelector'];
  if (ref === undefined && (selRaw === undefined || selRaw === null)) return [];
  const sel = selRaw === undefined || selRaw === null ? undefined : parseLabelSelector(selRaw);
  const groups = scope.groups.filter((g) =>
    ref !== undefined ? g.obj.name === ref : sel !== undefined && selectorMatches(sel, g.labels),
  );
  const field = ref !== undefined ? 'cidrGroupRef' : 'cidrGroupSelector';
  if (groups.length === 0)
    return [
      {
        kind: 'unresolved',
        source: 'cidrGroup',
        what: ref !== undefined ? `CiliumCIDRGroup ${ref}` : 'CiliumCIDRGroups of the selector',
        path: [...path, field],
      },
    ];
  return groups.flatMap((g) =>
    g.cidrs.map((c) => cidrPeer(c, asArray(set['except']), [...path, field], [...path, 'except'], [])),
  );
}

/**
 * toPorts. A port entry without a protocol, or with ANY, matches every protocol ("Protocol is the
 * L4 protocol. If omitted or empty, any protocol matches", api.PortProtocol); port 0 or none is
 * every port. L7 rules (http, kafka, dns) filter requests in the proxy; the port is allowed.
 */
function readPorts(
  raw: unknown,
  path: FieldPath,
  direction: 'ingress' | 'egress',
  errors: Errors,
): PortSpec[] | undefined {
  const rules = asArray(raw);
  const out: PortSpec[] = [];
  rules.forEach((pr, i) => {
    if (!isRecord(pr)) return;
    // PortRule.sanitize: at most maxPorts (40) port entries per toPorts entry.
    if (asArray(pr['ports']).length > 40)
      errors.push({ path: [...path, i, 'ports'], message: 'too many ports, the max is 40' });
    const l7rules = asRecord(pr['rules']) ?? {};
    const l7 = ['http', 'kafka', 'dns', 'l7proto'].filter(
      (k) => asArray(l7rules[k]).length > 0 || (k === 'l7proto' && l7rules[k]),
    );
    const dns = l7.includes('dns');
    // The agent's own words (PortRule.sanitize), so a search for the log line finds the finding.
    if (direction === 'ingress' && dns)
      errors.push({ path: [...path, i, 'rules', 'dns'], message: 'DNS rules are not allowed on ingress' });
    if (dns && asArray(pr['ports']).length === 0)
      errors.push({ path: [...path, i, 'rules', 'dns'], message: 'Port 53 must be specified for DNS rules' });
    asArray(pr['ports']).forEach((port, j) => {
      if (!isRecord(port)) return;
      const at = [...path, i, 'ports', j];
      const rawPort = port['port'];
      const text = rawPort === undefined || rawPort === null ? '' : String(rawPort);
      const n = /^\d+$/.test(text) ? Number(text) : undefined;
      const value: number | string | undefined =
        n === undefined ? text || undefined : n === 0 ? undefined : n;
      const endPort = asNumber(port['endPort']);
      const protocol = (asString(port['protocol']) ?? 'ANY').toUpperCase();
      if (!['TCP', 'UDP', 'SCTP', 'ANY'].includes(protocol))
        errors.push({ path: [...at, 'protocol'], message: `invalid protocol "${protocol}"` });
      else if (l7.length > 0 && !dns && protocol !== 'TCP')
        errors.push({
          path: [...at, 'protocol'],
          message: `L7 rules can only apply to TCP (not ${protocol}) except for DNS rules`,
        });
      if (text === '') errors.push({ path: at, message: 'Port must be specified' });
      else if (l7.length > 0 && n === 0)
        errors.push({ path: [...at, 'port'], message: 'L7 rules can not be used when a port is 0' });
      if (n !== undefined && n > 65535)
        errors.push({ path: [...at, 'port'], message: `port ${n} is above 65535` });
      for (const p of protocol === 'ANY' ? ['TCP', 'UDP', 'SCTP'] : [protocol])
        out.push({
          protocol: p,
          port: value,
          endPort: value === undefined ? undefined : endPort,
          l7,
          path: at,
        });
    });
  });
  // toPorts without any port entry restricts nothing at L4.
  return out.length ? out : undefined;
}

function readRules(
  spec: Record<string, unknown>,
  specPath: FieldPath,
  field: 'ingress' | 'ingressDeny' | 'egress' | 'egressDeny',
  scope: Scope,
  errors: Errors,
): PolicyRule[] {
  const direction = field.startsWith('ingress') ? 'ingress' : 'egress';
  return asArray(spec[field]).map((r, index) => {
    const rule = isRecord(r) ? r : {};
    const path: FieldPath = [...specPath, field, index];
    const requiresField = direction === 'ingress' ? 'fromRequires' : 'toRequires';
    // Scoped like a peer selector (ParseToCiliumRule scopes FromRequires/ToRequires too).
    const requires: Requirement[] = asArray(rule[requiresField]).flatMap(
      (item, i) =>
        scopedPeerSelector(selectorAt(item, [...path, requiresField, i], errors), scope).requirements,
    );
    // errUnsupportedICMPWithToPorts (rule_validation.go).
    if (asArray(rule['icmps']).length > 0 && asArray(rule['toPorts']).length > 0)
      errors.push({
        path,
        message:
          'The ICMPs block may only be present without ToPorts. Define a separate rule to use ToPorts.',
      });
    const ports = readPorts(rule['toPorts'], [...path, 'toPorts'], direction, errors);
    // IngressRule.Validate(hostPolicy): a node selector's ingress takes no L7 rules.
    if (scope.hostPolicy && direction === 'ingress' && (ports ?? []).some((pp) => pp.l7.length > 0))
      errors.push({ path: [...path, 'toPorts'], message: 'L7 policy is not supported on host ingress yet' });
    return {
      direction,
      index,
      deny: field.endsWith('Deny'),
      peers: readPeers(rule, direction, path, scope, errors),
      ports,
      ...(requires.length ? { requires } : {}),
      path,
    };
  });
}

function readSpec(
  obj: KObject,
  spec: Record<string, unknown>,
  specPath: FieldPath,
  namespace: string,
  groups: readonly CidrGroup[],
): Policy {
  const errors: Errors = [];
  const hasEndpoints = spec['endpointSelector'] !== undefined && spec['endpointSelector'] !== null;
  const hasNodes = spec['nodeSelector'] !== undefined && spec['nodeSelector'] !== null;
  // Rule.Sanitize (pkg/policy/api/rule_validation.go) requires exactly one of the two.
  if (hasEndpoints === hasNodes)
    errors.push({
      path: specPath,
      message: hasEndpoints
        ? 'rule cannot have both EndpointSelector and NodeSelector'
        : 'rule must have one of EndpointSelector or NodeSelector',
    });
  let podSelector = selectorAt(
    hasEndpoints ? spec['endpointSelector'] : spec['nodeSelector'],
    [...specPath, hasEndpoints ? 'endpointSelector' : 'nodeSelector'],
    errors,
  );
  if (hasEndpoints && namespace !== '') {
    // "The PodSelector should only reflect to the same namespace the policy is being stored"
    // (ParseToCiliumRule): the namespace label is set to the policy's, replacing any written one.
    podSelector = withRequirement(
      {
        requirements: podSelector.requirements.filter((r) => r.key !== POD_NAMESPACE),
        errors: podSelector.errors,
      },
      { key: POD_NAMESPACE, operator: 'In', values: [namespace] },
    );
  }
  const scope: Scope = {
    namespace,
    groups,
    hostPolicy: !hasEndpoints && hasNodes,
    matchesInit: hasKey(podSelector, 'reserved:init'),
  };
  const ingressRules = [
    ...readRules(spec, specPath, 'ingress', scope, errors),
    ...readRules(spec, specPath, 'ingressDeny', scope, errors),
  ];
  const egressRules = [
    ...readRules(spec, specPath, 'egress', scope, errors),
    ...readRules(spec, specPath, 'egressDeny', scope, errors),
  ];
  // enableDefaultDeny: "If not specified, the default is true for each traffic direction that has
  // rules, and false otherwise" (api.Rule); "If omitted or empty, this rule does not apply at
  // egress" (Rule.Egress), so `egress: []` isolates nothing and `egress: [{}]` isolates.
  const dd = asRecord(spec['enableDefaultDeny']);
  const flag = (v: unknown) => (typeof v === 'boolean' ? v : undefined);
  return {
    dialect: 'cilium',
    obj,
    namespace,
    clusterWide: namespace === '',
    specPath,
    podSelector,
    selectsNodes: !hasEndpoints && hasNodes,
    ingress: flag(dd?.['ingress']) ?? ingressRules.length > 0,
    egress: flag(dd?.['egress']) ?? egressRules.length > 0,
    explicitTypes: dd !== undefined,
    ingressRules,
    egressRules,
    errors,
  };
}

/** The value at a path of the object, or undefined. */
function valueAt(raw: unknown, path: FieldPath): unknown {
  let v = raw;
  for (const k of path) {
    if (Array.isArray(v) && typeof k === 'number') v = v[k];
    else if (isRecord(v) && typeof k === 'string') v = v[k];
    else return undefined;
  }
  return v;
}

/**
 * A value with a placeholder (`{{.ExternalCIDRv4}}`, `${CIDR}`) is filled in before apply: what the
 * agent makes of it is not in the input, so it proves no rejection.
 */
function provenErrors(obj: KObject, policy: Policy): Policy {
  const errors = policy.errors.filter((e) => placeholderWithin(valueAt(obj.raw, e.path)) === undefined);
  return errors.length === policy.errors.length ? policy : { ...policy, errors };
}

/** One Policy per rule: a Cilium policy holds one rule in `spec`, several in `specs`, or both. */
export function readCiliumPolicy(obj: KObject, groups: readonly CidrGroup[] = []): Policy[] {
  const clusterWide = obj.kind === 'CiliumClusterwideNetworkPolicy';
  if (!clusterWide && obj.namespace === undefined) return [];
  const namespace = clusterWide ? '' : (obj.namespace as string);
  const out: Policy[] = [];
  const one = asRecord(obj.raw['spec']);
  if (one) out.push(readSpec(obj, one, ['spec'], namespace, groups));
  asArray(obj.raw['specs']).forEach((s, i) => {
    if (isRecord(s)) out.push(readSpec(obj, s, ['specs', i], namespace, groups));
  });
  return out.map((p) => provenErrors(obj, p));
}

/** The CiliumCIDRGroups of the input (cluster-scoped). */
export function cidrGroupsOf(model: Model): CidrGroup[] {
  return model.ofKind('cilium.io', 'CiliumCIDRGroup').map((obj) => ({
    obj,
    labels: new Map(Object.entries(obj.labels)),
    cidrs: asArray(asRecord(obj.raw['spec'])?.['externalCIDRs']).flatMap((c) =>
      typeof c === 'string' ? [c] : [],
    ),
  }));
}

const cache = new WeakMap<Model, Policy[]>();

/** CiliumNetworkPolicies and CiliumClusterwideNetworkPolicies of the input, read once per model. */
export function ciliumPoliciesOf(model: Model): Policy[] {
  let list = cache.get(model);
  if (!list) {
    list = [
      ...model.ofKind('cilium.io', 'CiliumNetworkPolicy'),
      ...model.ofKind('cilium.io', 'CiliumClusterwideNetworkPolicy'),
    ].flatMap((o) => readCiliumPolicy(o, cidrGroupsOf(model)));
    cache.set(model, list);
  }
  return list;
}
