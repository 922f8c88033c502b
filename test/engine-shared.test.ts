// The policy engine works out what depends on a pod's policy list once per list and shares egress
// decisions between pods alike (src/netpol/engine.ts, #22). Pods that share their policies but
// differ in what a rule matches on the source must still get their own answers.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { clusterWide, engineOver, knp, ns, pod } from './policy-inputs';

const gnp = clusterWide('projectcalico.org/v3', 'GlobalNetworkPolicy');

const APP =
  ns('shop') +
  ns('data') +
  pod('frontend', 'shop', { app: 'frontend' }) +
  pod('backend', 'shop', { app: 'backend' }) +
  pod('db', 'data', { app: 'db' });

const t = suite('engine: decisions shared between pods alike');

t('Calico: a rule on the source selector tells apart pods the same policies select', () => {
  const { engine, find, to } = engineOver(
    APP,
    gnp(
      'shop-egress',
      `{selector: "projectcalico.org/namespace == 'shop'", types: [Egress], egress: [{action: Allow, source: {selector: "app == 'frontend'"}}, {action: Deny}]}`,
    ),
  );
  assert.is(engine.podsSelectedBy(engine.policies[0]!).length, 2);
  const traffic = { protocol: 'TCP', port: 8080 };
  // Asked for backend first: a decision shared by policy list alone would then answer for frontend.
  assert.is(engine.egress(find('backend'), to('db'), traffic).allowed, false);
  assert.is(engine.egress(find('frontend'), to('db'), traffic).allowed, true);
  assert.is(engine.egress(find('backend'), to('db'), traffic).allowed, false);
});

t('Kubernetes: pods of one policy share its answer; a pod of other policies keeps its own', () => {
  const { engine, find, to } = engineOver(
    APP + pod('frontend-2', 'shop', { app: 'frontend' }),
    knp(
      'fe',
      'shop',
      '{podSelector: {matchLabels: {app: frontend}}, policyTypes: [Egress], egress: [{ports: [{port: 8080}]}]}',
    ),
  );
  const allowed = (from: string, port: number) =>
    engine.egress(find(from), to('db'), { protocol: 'TCP', port }).allowed;
  assert.equal([allowed('frontend', 8080), allowed('frontend-2', 8080)], [true, true]);
  assert.equal([allowed('frontend', 9090), allowed('frontend-2', 9090)], [false, false]);
  assert.equal([allowed('backend', 9090), allowed('backend', 8080)], [true, true]);
  assert.is(engine.isolating(find('frontend'), 'egress'), engine.isolating(find('frontend-2'), 'egress'));
});

t.run();
