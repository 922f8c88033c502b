// Table-driven tests of Cilium policies in the one policy engine: default deny per direction, deny
// precedence (over Kubernetes NetworkPolicies too), namespace scoping of selectors, entities, CIDRs,
// ports, and what the agent's rule sanitizing rejects. Each case names the Cilium docs or source.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readCiliumPolicy } from '../src/netpol/cilium';
import type { Endpoint } from '../src/netpol/engine';
import { modelOf } from './helpers';
import { clusterWide, engineOver, knp, namespaced, ns, pod } from './policy-inputs';

const cnp = namespaced('cilium.io/v2', 'CiliumNetworkPolicy');
const ccnp = clusterWide('cilium.io/v2', 'CiliumClusterwideNetworkPolicy');

const APP =
  ns('shop', { team: 'shop' }) +
  ns('data', { team: 'data' }) +
  pod('frontend', 'shop', { app: 'frontend' }, 'serviceAccountName: web, ') +
  pod('backend', 'shop', { app: 'backend' }) +
  pod('db', 'data', { app: 'db' }) +
  pod('agent', 'data', { app: 'agent' }, 'hostNetwork: true, ');

const DNS_RULE =
  "{toEndpoints: [{matchLabels: {'k8s:io.kubernetes.pod.namespace': kube-system, k8s-app: kube-dns}}], toPorts: [{ports: [{port: '53', protocol: ANY}], rules: {dns: [{matchPattern: '*'}]}}]}";

function engineOf(policies: string) {
  const over = engineOver(APP, policies);
  const egressTo = (from: string, dst: Endpoint, port = 443, protocol = 'TCP') =>
    over.engine.egress(over.find(from), dst, { protocol, port });
  return { ...over, egressTo };
}

const t = suite('Cilium policies in the engine');

t('an egress section puts the selected pods in egress default deny; the DNS rule allows DNS only', () => {
  const { can, engine, find } = engineOf(
    cnp('dns', 'shop', `{endpointSelector: {matchLabels: {app: frontend}}, egress: [${DNS_RULE}]}`),
  );
  assert.is(engine.isolating(find('frontend'), 'egress').length, 1);
  assert.is(
    engine.isolating(find('frontend'), 'ingress').length,
    0,
    'no ingress section: ingress stays open',
  );
  assert.ok(can('frontend', 'dns', 53, 'UDP'), 'ANY covers UDP');
  assert.ok(can('frontend', 'dns', 53, 'TCP'), 'ANY covers TCP');
  assert.not.ok(can('frontend', 'backend'), 'everything else is dropped');
  assert.ok(can('backend', 'frontend'), 'other pods are not selected');
});

t(
  'default deny: `egress: [{}]` isolates and allows nothing; `egress: []` and `egress:` (null) do not isolate',
  () => {
    const cases: [string, boolean][] = [
      ['[{}]', true],
      ['[]', false],
      ['null', false],
    ];
    for (const [egress, isolated] of cases) {
      const { can } = engineOf(
        cnp('p', 'shop', `{endpointSelector: {matchLabels: {app: frontend}}, egress: ${egress}}`),
      );
      assert.is(!can('frontend', 'backend'), isolated, `egress: ${egress}`);
    }
  },
);

t(
  'enableDefaultDeny: false opts out of default deny; its allows still count when another policy isolates',
  () => {
    const optOut = cnp(
      'opt-out',
      'shop',
      '{endpointSelector: {matchLabels: {app: frontend}}, enableDefaultDeny: {egress: false}, egress: [{toEndpoints: [{matchLabels: {app: backend}}]}]}',
    );
    const alone = engineOf(optOut);
    assert.is(alone.engine.isolating(alone.find('frontend'), 'egress').length, 0);
    assert.ok(alone.can('frontend', 'db'), 'not isolated: everything allowed');
    const both = engineOf(optOut + cnp('deny', 'shop', '{endpointSelector: {}, egress: [{}]}'));
    assert.ok(both.can('frontend', 'backend'), 'the opt-out policy still allows backend');
    assert.not.ok(both.can('frontend', 'db'), 'the other policy put frontend in default deny');
  },
);

t('deny wins over allow: egressDeny under an allow-all egress rule', () => {
  const { egressTo, ip, can } = engineOf(
    cnp(
      'p',
      'shop',
      "{endpointSelector: {matchLabels: {app: frontend}}, egress: [{toEntities: [all]}], egressDeny: [{toCIDR: [169.254.169.254/32], toPorts: [{ports: [{port: '80'}]}]}]}",
    ),
  );
  assert.not.ok(egressTo('frontend', ip('169.254.169.254'), 80).allowed);
  assert.is(egressTo('frontend', ip('169.254.169.254'), 80).deniedBy?.rule.deny, true);
  assert.ok(egressTo('frontend', ip('169.254.169.254'), 443).allowed, 'only the denied port');
  assert.ok(egressTo('frontend', ip('8.8.8.8'), 80).allowed);
  assert.ok(can('frontend', 'db'), 'entity all covers pods');
});

t('deny takes precedence over a Kubernetes NetworkPolicy allow (Cilium docs, Deny Policies)', () => {
  const { can } = engineOf(
    knp(
      'allow',
      'shop',
      '{podSelector: {matchLabels: {app: backend}}, ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}]}]}',
    ) +
      cnp(
        'deny',
        'shop',
        '{endpointSelector: {matchLabels: {app: backend}}, ingressDeny: [{fromEndpoints: [{matchLabels: {app: frontend}}]}]}',
      ),
  );
  assert.not.ok(can('frontend', 'backend'));
});

t('Kubernetes and Cilium policies apply together: a CNP allow opens a NetworkPolicy default deny', () => {
  const { can } = engineOf(
    knp('deny', 'shop', '{podSelector: {}, policyTypes: [Ingress]}') +
      cnp(
        'allow',
        'shop',
        "{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {app: frontend}}], toPorts: [{ports: [{port: '8080', protocol: TCP}]}]}]}",
      ),
  );
  assert.ok(can('frontend', 'backend'));
  assert.not.ok(can('frontend', 'backend', 9090));
  assert.not.ok(can('backend', 'frontend'));
});

t('a policy with only ingressDeny also puts the pods in ingress default deny (Rule.Sanitize)', () => {
  const { can, engine, find } = engineOf(
    cnp(
      'p',
      'shop',
      '{endpointSelector: {matchLabels: {app: backend}}, ingressDeny: [{fromEntities: [world]}]}',
    ),
  );
  assert.is(engine.isolating(find('backend'), 'ingress').length, 1);
  assert.not.ok(can('frontend', 'backend'));
});

t('namespace scoping of peer selectors in a CNP (getEndpointSelector)', () => {
  const sel = (matchLabels: string) =>
    engineOf(
      cnp(
        'p',
        'shop',
        `{endpointSelector: {matchLabels: {app: frontend}}, egress: [{toEndpoints: [{matchLabels: ${matchLabels}}]}]}`,
      ),
    );
  const cases: [string, string, boolean][] = [
    ['{}', 'backend', true],
    ['{}', 'db', false],
    ['{app: db}', 'db', false],
    ["{'k8s:io.kubernetes.pod.namespace': data, app: db}", 'db', true],
    ['{io.kubernetes.pod.namespace: data}', 'db', true],
    ["{'any:io.kubernetes.pod.namespace': data}", 'db', true],
    ['{io.cilium.k8s.namespace.labels.team: data}', 'db', true],
    ["{'k8s:app': backend}", 'backend', true],
    ["{'any:app': backend}", 'backend', true],
    ["{'k8s.io.kubernetes.pod.namespace': data}", 'db', false],
  ];
  for (const [labels, dst, ok] of cases)
    assert.is(sel(labels).can('frontend', dst), ok, `${labels} → ${dst}`);
});

t('a CNP endpointSelector selects only its own namespace, even when it names another', () => {
  const { engine } = engineOf(
    cnp(
      'p',
      'shop',
      "{endpointSelector: {matchLabels: {'k8s:io.kubernetes.pod.namespace': data}}, egress: [{}]}",
    ),
  );
  const [policy] = engine.policies.filter((p) => p.dialect === 'cilium');
  assert.equal(
    engine.podsSelectedBy(policy!).map((p) => p.owner.name),
    ['frontend', 'backend'],
    '"removing illegal namespace match" (ParseToCiliumRule): the pods of shop, not data',
  );
});

t(
  'a CCNP selects endpoints of every namespace; its empty peer selector matches every pod, not the host or world',
  () => {
    const { engine, find, egressTo, ip } = engineOf(
      ccnp('p', '{endpointSelector: {}, egress: [{toEndpoints: [{}]}]}'),
    );
    const [policy] = engine.policies.filter((p) => p.dialect === 'cilium');
    assert.ok(policy?.clusterWide);
    const names = engine.podsSelectedBy(policy!).map((p) => p.owner.name);
    assert.ok(names.includes('frontend') && names.includes('db'));
    assert.not.ok(names.includes('agent'), 'host-network pods are the host endpoint');
    assert.ok(egressTo('frontend', { kind: 'pod', pod: find('db') }).allowed);
    assert.not.ok(egressTo('frontend', ip('8.8.8.8')).allowed);
    assert.not.ok(egressTo('frontend', { kind: 'entity', entity: 'host' }).allowed);
  },
);

t('entities: cluster covers pods and the API server; world covers outside addresses only', () => {
  const cases: [string, string, boolean][] = [
    ['cluster', 'pod', true],
    ['cluster', 'kube-apiserver', true],
    ['cluster', 'world', false],
    ['world', 'pod', false],
    ['world', 'world', true],
    ['world', 'kube-apiserver', false],
    ['kube-apiserver', 'kube-apiserver', true],
    ['kube-apiserver', 'pod', false],
    ['host', 'host', true],
    ['all', 'world', true],
    ['all', 'pod', true],
  ];
  for (const [entity, target, ok] of cases) {
    const { egressTo, find, ip } = engineOf(
      cnp(
        'p',
        'shop',
        `{endpointSelector: {matchLabels: {app: frontend}}, egress: [{toEntities: [${entity}]}]}`,
      ),
    );
    const dst: Endpoint =
      target === 'pod'
        ? { kind: 'pod', pod: find('db') }
        : target === 'world'
          ? ip('8.8.8.8')
          : { kind: 'entity', entity: target };
    assert.is(egressTo('frontend', dst).allowed, ok, `toEntities ${entity} → ${target}`);
  }
});

t('CIDR rules do not select cluster endpoints; except carves addresses out', () => {
  const { egressTo, find, ip } = engineOf(
    cnp(
      'p',
      'shop',
      '{endpointSelector: {matchLabels: {app: frontend}}, egress: [{toCIDRSet: [{cidr: 0.0.0.0/0, except: [10.0.0.0/8]}]}, {toCIDR: [192.168.1.1]}]}',
    ),
  );
  assert.not.ok(egressTo('frontend', { kind: 'pod', pod: find('db') }).allowed);
  assert.ok(egressTo('frontend', ip('8.8.8.8')).allowed);
  assert.not.ok(egressTo('frontend', ip('10.1.2.3')).allowed);
  assert.ok(egressTo('frontend', ip('192.168.1.1')).allowed, 'a bare address is a /32');
  assert.not.ok(egressTo('frontend', { kind: 'entity', entity: 'kube-apiserver' }).allowed);
});

t('an L4-only rule allows every peer on its ports; ports: ANY, endPort, port 0, named ports', () => {
  const rule = (ports: string) =>
    engineOf(
      cnp(
        'p',
        'shop',
        `{endpointSelector: {matchLabels: {app: frontend}}, egress: [{toPorts: [{ports: [${ports}]}]}]}`,
      ),
    );
  const cases: [string, number, string, boolean][] = [
    ["{port: '8080', protocol: TCP}", 8080, 'TCP', true],
    ["{port: '8080', protocol: TCP}", 8080, 'UDP', false],
    ["{port: '8080'}", 8080, 'UDP', true],
    ["{port: '8000', endPort: 8100, protocol: TCP}", 8080, 'TCP', true],
    ["{port: '8000', endPort: 8050, protocol: TCP}", 8080, 'TCP', false],
    ["{port: '0', protocol: TCP}", 8080, 'TCP', true],
    ['{port: http, protocol: TCP}', 8080, 'TCP', true],
    ['{port: grpc, protocol: TCP}', 8080, 'TCP', false],
  ];
  for (const [ports, port, protocol, ok] of cases)
    assert.is(rule(ports).can('frontend', 'backend', port, protocol), ok, `${ports} ${port}/${protocol}`);
  assert.ok(rule("{port: '443', protocol: TCP}").egressTo('frontend', rule('').ip('1.1.1.1')).allowed);
});

t('specs: each rule of the list is its own policy; label sources and the service-account label', () => {
  const { engine, can } = engineOf(
    cnp('p', 'shop', '{endpointSelector: {matchLabels: {app: frontend}}, egress: [{}]}').replace(
      'spec: ',
      "specs:\n- {endpointSelector: {matchLabels: {'k8s:io.cilium.k8s.policy.serviceaccount': web}}, egress: [{toEndpoints: [{matchLabels: {app: backend}}]}]}\nspec: ",
    ),
  );
  const mine = engine.policies.filter((p) => p.dialect === 'cilium');
  assert.equal(
    mine.map((p) => p.specPath.join('.')),
    ['spec', 'specs.0'],
  );
  assert.ok(can('frontend', 'backend'), 'the service-account rule of specs[0] allows backend');
  assert.not.ok(can('frontend', 'db'));
});

t('toServices allows the pods behind the Service; a nodeSelector selects no pod', () => {
  const svc =
    'apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: data}\nspec: {selector: {app: db}, ports: [{port: 80, targetPort: 8080}]}\n---\n';
  const { can, engine } = engineOf(
    svc +
      cnp(
        'p',
        'shop',
        '{endpointSelector: {matchLabels: {app: frontend}}, egress: [{toServices: [{k8sService: {serviceName: db, namespace: data}}]}]}',
      ) +
      ccnp('host', '{nodeSelector: {}, ingress: [{}]}'),
  );
  assert.ok(can('frontend', 'db'));
  assert.not.ok(can('frontend', 'backend'));
  const host = engine.policies.find((p) => p.obj.name === 'host')!;
  assert.is(engine.podsSelectedBy(host).length, 0);
});

t('egressConns subtracts what deny rules match', () => {
  const { engine, find } = engineOf(
    cnp(
      'p',
      'shop',
      "{endpointSelector: {matchLabels: {app: frontend}}, egress: [{toEndpoints: [{}]}], egressDeny: [{toEndpoints: [{}], toPorts: [{ports: [{port: '8080', protocol: TCP}]}]}]}",
    ),
  );
  const side = engine.egressConns(find('frontend'), { kind: 'pod', pod: find('backend') });
  assert.not.ok(side.conns.has('TCP', 8080));
  assert.ok(side.conns.has('TCP', 8081));
  assert.is(side.deniedBy.length, 1);
});

t("the agent's rule sanitizing: what it rejects, in its own words", () => {
  const model = modelOf({
    'a.yaml': cnp(
      'bad',
      'shop',
      "{egress: [{toEndpoints: [{}], toCIDR: [10.0.0.0/8]}, {toEntities: [internet]}, {toCIDRSet: [{cidr: 10.0.0.0/8, except: [192.168.0.0/16]}]}, {toPorts: [{ports: [{port: '80', protocol: UDP}], rules: {http: [{}]}}]}], ingress: [{toPorts: [{ports: [{port: '53'}], rules: {dns: [{matchPattern: '*'}]}}]}]}",
    ),
  });
  const obj = model.ofKind('cilium.io', 'CiliumNetworkPolicy')[0]!;
  const messages = readCiliumPolicy(obj).flatMap((p) => p.errors.map((e) => e.message));
  for (const m of [
    'rule must have one of EndpointSelector or NodeSelector',
    'Combining ToEndpoints and ToCIDR is not supported yet',
    'unsupported entity: internet',
    'allow CIDR prefix 10.0.0.0/8 does not contain exclude CIDR prefix 192.168.0.0/16',
    'L7 rules can only apply to TCP (not UDP) except for DNS rules',
    'DNS rules are not allowed on ingress',
  ])
    assert.ok(messages.includes(m), `${m} in ${JSON.stringify(messages)}`);
});

t('enable-policy in cilium-config: "never" enforces nothing, "always" isolates every pod both ways', () => {
  const config = (mode: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cilium-config, namespace: kube-system}\ndata: {enable-policy: ${mode}}\n---\n`;
  const never = engineOf(
    config('never') +
      knp('deny', 'shop', '{podSelector: {}, policyTypes: [Ingress, Egress]}') +
      cnp('deny', 'shop', '{endpointSelector: {}, egressDeny: [{toEntities: [all]}]}'),
  );
  assert.ok(never.can('frontend', 'backend'), 'neither the NetworkPolicy nor the deny rule is enforced');
  const always = engineOf(
    config('always') +
      cnp(
        'allow',
        'shop',
        '{endpointSelector: {matchLabels: {app: frontend}}, egress: [{toEndpoints: [{matchLabels: {app: backend}}]}]}',
      ) +
      cnp(
        'in',
        'shop',
        '{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{}]}]}',
      ),
  );
  assert.ok(always.can('frontend', 'backend'));
  assert.not.ok(
    always.can('backend', 'frontend'),
    'no rule selects these directions, and still default deny',
  );
  assert.not.ok(always.can('db', 'db'), 'unselected pods are isolated too');
  const byDefault = engineOf(config('default'));
  assert.ok(byDefault.can('db', 'frontend'));
});

t('a placeholder filled in before apply proves no rejection', () => {
  const model = modelOf({
    'a.yaml': cnp(
      'templated',
      'shop',
      "{endpointSelector: {}, egress: [{toCIDR: ['{{.ExternalCIDRv4}}']}, {toCIDRSet: [{cidr: '${EXTERNAL_CIDR}'}]}]}",
    ),
  });
  const obj = model.ofKind('cilium.io', 'CiliumNetworkPolicy')[0]!;
  assert.equal(
    readCiliumPolicy(obj).flatMap((p) => p.errors),
    [],
  );
});

t(
  'fromRequires adds its requirements to the fromEndpoints of every rule that applies to the pod (rules.go)',
  () => {
    // db in namespace data; frontend and backend in shop. One CNP allows all of shop's and data's
    // pods; another, selecting the same pod, requires the peer to have app=backend.
    const allow = cnp(
      'allow',
      'data',
      "{endpointSelector: {matchLabels: {app: db}}, ingress: [{fromEndpoints: [{matchLabels: {'k8s:io.kubernetes.pod.namespace': shop}}]}]}",
    );
    const requires = cnp(
      'requires',
      'data',
      "{endpointSelector: {matchLabels: {app: db}}, ingress: [{fromRequires: [{matchLabels: {app: backend, 'k8s:io.kubernetes.pod.namespace': shop}}]}]}",
    );
    const without = engineOf(allow);
    assert.ok(without.can('frontend', 'db') && without.can('backend', 'db'));
    const withRequires = engineOf(allow + requires);
    assert.ok(withRequires.can('backend', 'db'), 'the peer meets the requirement');
    assert.not.ok(withRequires.can('frontend', 'db'), 'a peer without app=backend is no longer allowed');
    // A namespaced fromRequires without a namespace label is scoped to the policy's namespace: it
    // then excludes every peer of other namespaces (ParseToCiliumRule scopes FromRequires too).
    const scoped = engineOf(
      allow +
        cnp('req', 'data', '{endpointSelector: {matchLabels: {app: db}}, ingress: [{fromRequires: [{}]}]}'),
    );
    assert.not.ok(scoped.can('backend', 'db'));
    // toRequires alike at egress; it grants nothing by itself and leaves entity peers alone.
    const egress = engineOf(
      cnp(
        'e',
        'shop',
        '{endpointSelector: {matchLabels: {app: frontend}}, egress: [{toEndpoints: [{}]}, {toRequires: [{matchLabels: {app: backend}}]}, {toEntities: [world]}]}',
      ),
    );
    assert.ok(egress.can('frontend', 'backend'));
    assert.not.ok(egress.can('frontend', 'frontend'), 'the requirement applies to the other rule too');
    assert.ok(
      egress.egressTo('frontend', egress.ip('8.8.8.8')).allowed,
      'entities are not endpoint selectors',
    );
  },
);

t('toGroups and missing CiliumCIDRGroups: no definite verdict; CIDR groups of the input resolve', () => {
  const group =
    'apiVersion: cilium.io/v2alpha1\nkind: CiliumCIDRGroup\nmetadata: {name: partners, labels: {kind: partner}}\nspec: {externalCIDRs: [203.0.113.0/24]}\n---\n';
  const spec = (peer: string, deny = '') =>
    cnp('p', 'shop', `{endpointSelector: {matchLabels: {app: frontend}}, egress: [${peer}]${deny}}`);
  const groups = engineOf(spec("{toGroups: [{aws: {securityGroupsIds: ['sg-1']}}]}"));
  assert.ok(groups.egressTo('frontend', groups.ip('198.51.100.7')).allowed, 'an allow may admit it');
  assert.not.ok(groups.can('frontend', 'backend'), 'cloud groups are no pods');
  const denyGroups = engineOf(
    spec('{toEntities: [world]}', ", egressDeny: [{toGroups: [{aws: {securityGroupsIds: ['sg-1']}}]}]"),
  );
  assert.ok(
    denyGroups.egressTo('frontend', denyGroups.ip('198.51.100.7')).allowed,
    'a deny is not taken to drop it',
  );
  const ref = engineOf(group + spec('{toCIDRSet: [{cidrGroupRef: partners}]}'));
  assert.ok(ref.egressTo('frontend', ref.ip('203.0.113.9')).allowed);
  assert.not.ok(ref.egressTo('frontend', ref.ip('198.51.100.7')).allowed, 'outside the group');
  const bySelector = engineOf(
    group + spec('{toCIDRSet: [{cidrGroupSelector: {matchLabels: {kind: partner}}}]}'),
  );
  assert.ok(bySelector.egressTo('frontend', bySelector.ip('203.0.113.9')).allowed);
  const missing = engineOf(spec('{toCIDRSet: [{cidrGroupRef: partners}]}'));
  assert.ok(missing.egressTo('frontend', missing.ip('198.51.100.7')).allowed, 'a missing group may hold it');
  const rule = missing.engine.policies[0]!.egressRules[0]!;
  assert.equal(
    rule.peers?.map((p) => p.kind),
    ['unresolved'],
  );
});

t.run();
