// Table-driven tests of the NetworkPolicy evaluator. Each case names the API reference sentence
// (networking.k8s.io/v1 NetworkPolicy) that it implements.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../src/config/types';
import { parseIp } from '../src/net/cidr';
import { PolicyEngine, type Endpoint } from '../src/netpol/engine';
import { modelOf } from './helpers';

const pod = (
  name: string,
  ns: string,
  labels: Record<string, string>,
  ports = '[{name: http, containerPort: 8080}]',
) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}, labels: ${JSON.stringify(labels)}}\nspec: {containers: [{name: c, image: x, ports: ${ports}}]}\n---\n`;
const ns = (name: string, labels: Record<string, string> = {}) =>
  `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, labels: ${JSON.stringify(labels)}}\n---\n`;
const policy = (name: string, namespace: string, spec: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec: ${spec}\n---\n`;

const APP =
  ns('shop', { team: 'shop' }) +
  ns('data', { team: 'data' }) +
  pod('frontend', 'shop', { app: 'frontend' }) +
  pod('backend', 'shop', { app: 'backend' }) +
  pod('other', 'shop', { app: 'other' }) +
  pod('db', 'data', { app: 'db' }, '[{name: pg, containerPort: 5432}]');

function engineOf(policies: string, podCIDRs: string[] = []) {
  const model = modelOf({ 'a.yaml': APP + policies });
  const cluster = defaultConfig('/').cluster;
  cluster.podCIDRs = podCIDRs;
  const engine = new PolicyEngine(model, cluster);
  const find = (name: string) => model.pods.find((p) => p.owner.name === name)!;
  const can = (from: string, to: string, port = 8080, protocol = 'TCP') =>
    engine.connection(find(from), { kind: 'pod', pod: find(to) }, { protocol, port }).allowed;
  const canIp = (from: string, ip: string, port = 443) => {
    const p = parseIp(ip)!;
    const dst: Endpoint = { kind: 'ip', family: p.family, ip: p.value, text: ip };
    return engine.egress(find(from), dst, { protocol: 'TCP', port }).allowed;
  };
  return { engine, find, can, canIp };
}

const t = suite('NetworkPolicy engine');

t('no policy: everything is allowed (pods are non-isolated by default)', () => {
  const { can } = engineOf('');
  assert.ok(can('frontend', 'backend'));
  assert.ok(can('backend', 'db', 5432));
});

t('"An empty podSelector selects all pods in this namespace": default-deny ingress', () => {
  const { can } = engineOf(policy('deny', 'shop', '{podSelector: {}, policyTypes: [Ingress]}'));
  assert.not.ok(can('frontend', 'backend'));
  assert.not.ok(can('db', 'frontend'));
  assert.ok(can('backend', 'db', 5432), 'egress is not isolated, and data has no policy');
});

t('policyTypes defaults: Ingress always; Egress only when egress rules are present', () => {
  const { engine, find } = engineOf(
    policy('ing', 'shop', '{podSelector: {}}') +
      policy('eg', 'shop', '{podSelector: {matchLabels: {app: backend}}, egress: [{}]}'),
  );
  assert.is(engine.isolating(find('frontend'), 'ingress').length, 1);
  assert.is(engine.isolating(find('frontend'), 'egress').length, 0);
  assert.is(engine.isolating(find('backend'), 'egress').length, 1);
  assert.is(engine.isolating(find('backend'), 'ingress').length, 2);
});

t('default-deny all: Ingress and Egress with no rules', () => {
  const { can, canIp } = engineOf(
    policy('deny-all', 'shop', '{podSelector: {}, policyTypes: [Ingress, Egress]}'),
  );
  assert.not.ok(can('frontend', 'backend'));
  assert.not.ok(can('backend', 'db', 5432));
  assert.not.ok(canIp('frontend', '8.8.8.8'));
});

t('allow frontend to backend: podSelector peers select pods of the policy namespace', () => {
  const { can } = engineOf(
    policy('deny', 'shop', '{podSelector: {}, policyTypes: [Ingress]}') +
      policy(
        'allow',
        'shop',
        '{podSelector: {matchLabels: {app: backend}}, ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{port: 8080}]}]}',
      ),
  );
  assert.ok(can('frontend', 'backend'));
  assert.not.ok(can('other', 'backend'));
  assert.not.ok(can('frontend', 'backend', 9090), 'only the listed port');
  assert.not.ok(can('frontend', 'backend', 8080, 'UDP'), '"If not specified, this field defaults to TCP"');
});

t('backend to database across namespaces: namespaceSelector AND podSelector in one peer', () => {
  const { can } = engineOf(
    policy(
      'db',
      'data',
      '{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: shop}}, podSelector: {matchLabels: {app: backend}}}]}]}',
    ),
  );
  assert.ok(can('backend', 'db', 5432));
  assert.not.ok(can('frontend', 'db', 5432), 'both selectors must match');
});

t('peers in a list are ORed', () => {
  const { can } = engineOf(
    policy(
      'db',
      'data',
      '{podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: shop}}}, {podSelector: {matchLabels: {app: backend}}}]}]}',
    ),
  );
  assert.ok(can('frontend', 'db', 5432), 'the namespace peer alone admits every shop pod');
});

t('namespaces carry kubernetes.io/metadata.name automatically; other labels only when set', () => {
  const { can } = engineOf(
    policy(
      'a',
      'data',
      '{podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}}]}]}',
    ),
  );
  assert.ok(can('frontend', 'db', 5432));
  const { can: can2 } = engineOf(
    policy(
      'b',
      'data',
      '{podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {name: shop}}}]}]}',
    ),
  );
  assert.not.ok(can2('frontend', 'db', 5432));
});

t('a rule with no from allows all sources; a rule with no ports allows all ports', () => {
  const { can } = engineOf(
    policy('open', 'shop', '{podSelector: {matchLabels: {app: backend}}, ingress: [{}]}'),
  );
  assert.ok(can('db', 'backend', 12345));
});

t('named ports resolve on the destination pod', () => {
  const { can } = engineOf(policy('named', 'data', '{podSelector: {}, ingress: [{ports: [{port: pg}]}]}'));
  assert.ok(can('backend', 'db', 5432));
  assert.not.ok(can('backend', 'db', 5433));
});

t('endPort makes a range', () => {
  const { can } = engineOf(
    policy(
      'range',
      'shop',
      '{podSelector: {matchLabels: {app: backend}}, ingress: [{ports: [{port: 8000, endPort: 8100}]}]}',
    ),
  );
  assert.ok(can('frontend', 'backend', 8080));
  assert.not.ok(can('frontend', 'backend', 8101));
});

t('SCTP is its own protocol', () => {
  const { can } = engineOf(
    policy(
      'sctp',
      'shop',
      '{podSelector: {matchLabels: {app: backend}}, ingress: [{ports: [{port: 9000, protocol: SCTP}]}]}',
    ),
  );
  assert.ok(can('frontend', 'backend', 9000, 'SCTP'));
  assert.not.ok(can('frontend', 'backend', 9000, 'TCP'));
});

t('allow external API with except ranges (ipBlock)', () => {
  const { canIp, can } = engineOf(
    policy(
      'egress',
      'shop',
      '{podSelector: {matchLabels: {app: backend}}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 192.168.0.0/16]}}], ports: [{port: 443}]}]}',
    ),
  );
  assert.ok(canIp('backend', '203.0.113.10'));
  assert.not.ok(canIp('backend', '10.1.2.3'));
  assert.not.ok(canIp('backend', '203.0.113.10', 80));
  assert.not.ok(
    can('backend', 'db', 5432),
    'an ipBlock with excepts is not taken to cover pod IPs, which are unknown offline',
  );
});

t('ipBlock covers pods when it is all addresses, or contains the configured pod CIDR', () => {
  const all = engineOf(
    policy(
      'e',
      'shop',
      '{podSelector: {matchLabels: {app: backend}}, egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}]}]}',
    ),
  );
  assert.ok(all.can('backend', 'db', 5432));
  const ranged = engineOf(
    policy(
      'e',
      'shop',
      '{podSelector: {matchLabels: {app: backend}}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]}',
    ),
    ['10.244.0.0/16'],
  );
  assert.ok(ranged.can('backend', 'db', 5432));
});

t('egress and ingress must both allow a connection; the deciding rule is reported', () => {
  const { engine, find } = engineOf(
    policy(
      'eg',
      'shop',
      '{podSelector: {matchLabels: {app: backend}}, egress: [{to: [{namespaceSelector: {}}]}]}',
    ) + policy('in', 'data', '{podSelector: {}, ingress: []}'),
  );
  const d = engine.connection(
    find('backend'),
    { kind: 'pod', pod: find('db') },
    { protocol: 'TCP', port: 5432 },
  );
  assert.ok(d.egress.allowed);
  assert.is(d.egress.allowedBy?.policy.obj.name, 'eg');
  assert.not.ok(d.ingress.allowed);
  assert.is(d.ingress.isolatedBy[0]?.obj.name, 'in');
  assert.not.ok(d.allowed);
});

t.run();
