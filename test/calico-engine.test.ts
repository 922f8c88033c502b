// Table tests of Calico policies in the one policy engine: the reader (types defaulting, automatic
// labels, namespaceSelector scoping, what validation rejects) and the ordered first-match mode
// (tiers by order, policies by order then name, Pass, a tier's defaultAction, Kubernetes
// NetworkPolicies at order 1000 in the default tier). Calico docs: reference/resources/tier
// ("How policy is evaluated"), networkpolicy, globalnetworkpolicy.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readCalicoPolicy } from '../src/netpol/calico';
import { modelOf } from './helpers';
import { clusterWide, engineOver, knp, namespaced, ns, pod } from './policy-inputs';

const np = namespaced('projectcalico.org/v3', 'NetworkPolicy');
const gnp = (name: string, spec: string, group = 'projectcalico.org/v3') =>
  clusterWide(group, 'GlobalNetworkPolicy')(name, spec);
const tier = clusterWide('projectcalico.org/v3', 'Tier');

const APP =
  ns('shop', { team: 'shop' }) +
  ns('data', { team: 'data' }) +
  pod('frontend', 'shop', { app: 'frontend' }, 'serviceAccountName: web, ') +
  pod('backend', 'shop', { app: 'backend' }) +
  pod('db', 'data', { app: 'db' });

const engineOf = (policies: string) => engineOver(APP, policies);

const t = suite('Calico policies in the engine');

t('types default: Ingress without egress rules, Egress with egress rules only, both with both', () => {
  const model = modelOf({
    'a.yaml':
      np('a', 'shop', '{selector: all()}') +
      np('b', 'shop', '{egress: [{action: Allow}]}') +
      np('c', 'shop', '{ingress: [{action: Allow}], egress: [{action: Allow}]}') +
      np('d', 'shop', '{types: [Egress]}'),
  });
  const read = model.ofKind('projectcalico.org', 'NetworkPolicy').map(readCalicoPolicy);
  assert.equal(
    read.map((p) => [p.obj.name, p.ingress, p.egress]),
    [
      ['a', true, false],
      ['b', false, true],
      ['c', true, true],
      ['d', false, true],
    ],
  );
});

t(
  'automatic labels: projectcalico.org/namespace, /serviceaccount, /orchestrator and pcns. namespace labels',
  () => {
    for (const sel of [
      "projectcalico.org/serviceaccount == 'web'",
      "projectcalico.org/namespace == 'shop' && projectcalico.org/orchestrator == 'k8s' && app == 'frontend'",
      "pcns.team == 'shop' && app == 'frontend'",
    ]) {
      const { engine, find } = engineOf(gnp('sel', `{selector: "${sel}", types: [Ingress]}`));
      assert.equal(
        engine.podsSelectedBy(engine.policies[0]!).map((p) => p.owner.name),
        [find('frontend').owner.name],
        sel,
      );
    }
  },
);

t('a namespaced policy selects pods of its namespace only; a global one everywhere', () => {
  const a = engineOf(np('x', 'shop', '{selector: all(), types: [Ingress]}'));
  assert.equal(
    a.engine
      .podsSelectedBy(a.engine.policies[0]!)
      .map((p) => p.owner.name)
      .sort(),
    ['backend', 'frontend'],
  );
  const b = engineOf(
    gnp('x', "{selector: has(app), namespaceSelector: projectcalico.org/name == 'data', types: [Ingress]}"),
  );
  assert.equal(
    b.engine.podsSelectedBy(b.engine.policies[0]!).map((p) => p.owner.name),
    ['db'],
  );
});

t('rule selectors: namespaced scope, namespaceSelector (empty = own namespace), global scope', () => {
  const rule = (src: string) =>
    np('x', 'shop', `{selector: "app == 'backend'", ingress: [{action: Allow, source: ${src}}]}`);
  assert.ok(engineOf(rule('{selector: "app == \'frontend\'"}')).can('frontend', 'backend'));
  // The selector is scoped to the policy's namespace: db in data is not matched.
  assert.not.ok(engineOf(rule('{selector: has(app)}')).can('db', 'backend'));
  assert.ok(engineOf(rule("{selector: has(app), namespaceSelector: team == 'data'}")).can('db', 'backend'));
  assert.not.ok(engineOf(rule("{selector: has(app), namespaceSelector: ''}")).can('db', 'backend'));
  assert.ok(engineOf(rule('{namespaceSelector: all()}')).can('db', 'backend'));
  // No selector at all: every source.
  assert.ok(engineOf(rule('{}')).can('db', 'backend'));
  const g = engineOf(
    gnp('x', `{selector: "app == 'backend'", ingress: [{action: Allow, source: {selector: has(app)}}]}`),
  );
  assert.ok(g.can('db', 'backend'));
});

t('ports, named ports, notPorts, protocol, notProtocol, ICMP and serviceAccounts', () => {
  const ing = (r: string) => engineOf(np('x', 'shop', `{selector: "app == 'backend'", ingress: [${r}]}`));
  assert.ok(ing('{action: Allow, protocol: TCP, destination: {ports: [8080]}}').can('frontend', 'backend'));
  assert.ok(
    ing("{action: Allow, protocol: TCP, destination: {ports: ['8000:8100']}}").can('frontend', 'backend'),
  );
  assert.ok(ing('{action: Allow, protocol: TCP, destination: {ports: [http]}}').can('frontend', 'backend'));
  assert.not.ok(
    ing('{action: Allow, protocol: TCP, destination: {ports: [http]}}').can('frontend', 'backend', 9090),
  );
  assert.not.ok(
    ing('{action: Allow, protocol: TCP, destination: {notPorts: [8080]}}').can('frontend', 'backend'),
  );
  assert.not.ok(ing('{action: Allow, protocol: UDP}').can('frontend', 'backend'));
  assert.not.ok(ing('{action: Allow, notProtocol: TCP}').can('frontend', 'backend'));
  assert.not.ok(ing('{action: Allow, protocol: ICMP}').can('frontend', 'backend'));
  assert.ok(ing('{action: Allow, source: {serviceAccounts: {names: [web]}}}').can('frontend', 'backend'));
  assert.not.ok(
    ing('{action: Allow, source: {serviceAccounts: {names: [other]}}}').can('frontend', 'backend'),
  );
});

t('nets and network sets: a selector reaches addresses through the NetworkSets it selects', () => {
  const set =
    'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata: {name: partners, labels: {role: partner}}\nspec: {nets: [203.0.113.0/24]}\n---\n';
  const { engine, find, ip } = engineOf(
    set +
      gnp(
        'x',
        '{selector: "app == \'frontend\'", egress: [{action: Allow, destination: {selector: "role == \'partner\'"}}, {action: Allow, destination: {nets: [198.51.100.0/24]}}]}',
      ),
  );
  const out = (addr: string) =>
    engine.egress(find('frontend'), ip(addr), { protocol: 'TCP', port: 443 }).allowed;
  assert.ok(out('203.0.113.9'));
  assert.ok(out('198.51.100.1'));
  assert.not.ok(out('192.0.2.1'));
});

// [name, policies, from, to, allowed, fragment of the trail]
const ORDER: [string, string, string, string, boolean, string][] = [
  [
    'lower order decides first (Deny at 10 beats Allow at 20)',
    gnp('allow', '{order: 20, selector: "app == \'backend\'", ingress: [{action: Allow}]}') +
      gnp('deny', '{order: 10, selector: "app == \'backend\'", ingress: [{action: Deny}]}'),
    'frontend',
    'backend',
    false,
    'GlobalNetworkPolicy/deny ingress rule 0: Deny',
  ],
  [
    'a policy without order comes after every ordered one',
    gnp('a-unordered', '{selector: "app == \'backend\'", ingress: [{action: Deny}]}') +
      gnp('z-ordered', '{order: 500, selector: "app == \'backend\'", ingress: [{action: Allow}]}'),
    'frontend',
    'backend',
    true,
    'GlobalNetworkPolicy/z-ordered ingress rule 0: Allow',
  ],
  [
    'equal order: ties are broken by name',
    gnp('b', '{order: 5, selector: "app == \'backend\'", ingress: [{action: Allow}]}') +
      gnp('a', '{order: 5, selector: "app == \'backend\'", ingress: [{action: Deny}]}'),
    'frontend',
    'backend',
    false,
    'GlobalNetworkPolicy/a ingress rule 0: Deny',
  ],
  [
    'rules in sequence: the first match wins, Log goes on',
    gnp(
      'x',
      '{selector: "app == \'backend\'", ingress: [{action: Log}, {action: Allow, protocol: TCP, destination: {ports: [8080]}}, {action: Deny}]}',
    ),
    'frontend',
    'backend',
    true,
    'ingress rule 1: Allow',
  ],
  [
    'no rule matches: the end of the tier denies',
    gnp('x', '{selector: "app == \'backend\'", ingress: [{action: Allow, protocol: UDP}]}'),
    'frontend',
    'backend',
    false,
    'tier default: no rule matched: tier default Deny',
  ],
  [
    'Pass skips the rest of the tier to the next tier',
    tier('security', '{order: 100}') +
      gnp('security.pass', '{tier: security, order: 1, selector: all(), ingress: [{action: Pass}]}') +
      gnp('security.deny', '{tier: security, order: 2, selector: all(), ingress: [{action: Deny}]}') +
      gnp('allow', '{selector: "app == \'backend\'", ingress: [{action: Allow}]}'),
    'frontend',
    'backend',
    true,
    'tier security: GlobalNetworkPolicy/security.pass ingress rule 0: Pass',
  ],
  [
    'a Pass out of the last tier falls through to the namespace profile, which allows',
    gnp('pass', '{selector: all(), ingress: [{action: Pass}]}'),
    'frontend',
    'backend',
    true,
    'the namespace profile allows',
  ],
  [
    'tiers by order: the lower-order tier decides first',
    tier('late', '{order: 300}') +
      tier('early', '{order: 200}') +
      gnp('late.allow', '{tier: late, selector: all(), ingress: [{action: Allow}]}') +
      gnp('early.deny', '{tier: early, selector: all(), ingress: [{action: Deny}]}'),
    'frontend',
    'backend',
    false,
    'tier early',
  ],
  [
    "a tier's defaultAction Pass hands unmatched traffic to the next tier",
    tier('platform', '{order: 100, defaultAction: Pass}') +
      gnp(
        'platform.only-udp',
        '{tier: platform, selector: all(), ingress: [{action: Allow, protocol: UDP}]}',
      ),
    'frontend',
    'backend',
    true,
    'tier platform: no rule matched: tier default Pass',
  ],
  [
    'a Kubernetes NetworkPolicy sits at order 1000 in the default tier: order 900 decides before it',
    knp('allow-all', 'shop', '{podSelector: {}, ingress: [{}]}') +
      gnp('deny', '{order: 900, selector: "app == \'backend\'", ingress: [{action: Deny}]}'),
    'frontend',
    'backend',
    false,
    'GlobalNetworkPolicy/deny ingress rule 0: Deny',
  ],
  [
    '... and order 1100 after it',
    knp('allow-all', 'shop', '{podSelector: {}, ingress: [{}]}') +
      gnp('deny', '{order: 1100, selector: "app == \'backend\'", ingress: [{action: Deny}]}'),
    'frontend',
    'backend',
    true,
    'NetworkPolicy/shop/allow-all ingress rule 0: Allow',
  ],
  [
    'a Kubernetes default deny in the default tier still denies after a Calico Pass',
    tier('security', '{order: 100}') +
      gnp('security.pass', '{tier: security, selector: all(), ingress: [{action: Pass}]}') +
      knp('deny', 'shop', '{podSelector: {}, policyTypes: [Ingress]}'),
    'frontend',
    'backend',
    false,
    'tier default: no rule matched: tier default Deny',
  ],
];

for (const [name, policies, from, to, allowed, fragment] of ORDER) {
  t(`order: ${name}`, () => {
    const e = engineOf(policies);
    const d = e.engine.ingress(
      e.find(to),
      { kind: 'pod', pod: e.find(from) },
      { protocol: 'TCP', port: 8080 },
    );
    assert.is(d.allowed, allowed, (d.trail ?? []).join('\n'));
    assert.ok(
      (d.trail ?? []).some((s) => s.includes(fragment)),
      (d.trail ?? []).join('\n'),
    );
  });
}

t('connection sets follow first match: Allow 8080 before Deny all leaves only 8080', () => {
  const e = engineOf(
    gnp(
      'x',
      '{selector: "app == \'backend\'", ingress: [{action: Allow, protocol: TCP, destination: {ports: [8080]}}, {action: Deny}]}',
    ),
  );
  const c = e.engine.ingressConns(e.find('backend'), { kind: 'pod', pod: e.find('frontend') });
  assert.is(c.conns.toString(), 'TCP 8080');
});

t('an invalid Calico policy is left out of the engine (the API server rejects it)', () => {
  const e = engineOf(gnp('bad', '{selector: "app == \'backend", ingress: [{action: Deny}]}'));
  assert.is(e.engine.policies.length, 0);
  assert.ok(e.can('frontend', 'backend'));
});

const hep = (name: string, labels: Record<string, string>, ips: string[]) =>
  `apiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata: {name: ${name}, labels: ${JSON.stringify(labels)}}\nspec: {node: n1, interfaceName: eth0, expectedIPs: ${JSON.stringify(ips)}}\n---\n`;

t('a rule selector reaches the expectedIPs of the HostEndpoints it selects (global policies only)', () => {
  const egress = '[{action: Allow, destination: {selector: "role == \'node\'"}}]';
  const g = engineOf(
    hep('n1-eth0', { role: 'node' }, ['10.0.0.5']) +
      gnp('to-nodes', `{selector: "app == 'frontend'", egress: ${egress}}`),
  );
  const out = (e: typeof g, ip: string) =>
    e.engine.connection(e.find('frontend'), e.ip(ip), { protocol: 'TCP', port: 6443 }).allowed;
  assert.ok(out(g, '10.0.0.5'));
  assert.not.ok(out(g, '10.0.0.6'));
  // A namespaced policy's rule selector stays in its namespace: HostEndpoints are non-namespaced.
  const n = engineOf(
    hep('n1-eth0', { role: 'node' }, ['10.0.0.5']) +
      np('to-nodes', 'shop', `{selector: "app == 'frontend'", egress: ${egress}}`),
  );
  assert.not.ok(out(n, '10.0.0.5'));
});

t('untracked and pre-DNAT GlobalNetworkPolicies apply to host endpoints only: they isolate no pod', () => {
  for (const flag of ['doNotTrack', 'preDNAT']) {
    const e = engineOf(
      gnp('host', `{selector: all(), ${flag}: true, applyOnForward: true, ingress: [{action: Deny}]}`),
    );
    assert.ok(e.can('frontend', 'backend'), flag);
  }
  const e = engineOf(gnp('fwd', '{selector: all(), applyOnForward: true, ingress: [{action: Deny}]}'));
  assert.not.ok(e.can('frontend', 'backend'), 'applyOnForward alone still applies to workloads');
});

t.run();
