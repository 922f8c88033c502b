// Where a finding about egress isolation points, per dialect (src/netpol/isolation-path.ts): the
// field that asks for default deny when written, else the egress section.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { egressIsolationPath } from '../src/netpol/isolation-path';
import { engineOver, knp, namespaced, ns, pod } from './policy-inputs';

const cnp = namespaced('cilium.io/v2', 'CiliumNetworkPolicy');
const calico = namespaced('projectcalico.org/v3', 'NetworkPolicy');
const t = suite('egress isolation path');

const pathOf = (policies: string) => {
  const { engine } = engineOver(ns('shop') + pod('web', 'shop', { app: 'web' }), policies);
  return engine.policies.map((p) => [p.obj.name, egressIsolationPath(p).join('.')]);
};

t('Kubernetes: policyTypes when written, else egress', () => {
  assert.equal(
    pathOf(
      knp('typed', 'shop', '{podSelector: {}, policyTypes: [Egress]}') +
        knp('untyped', 'shop', '{podSelector: {}, egress: [{}]}'),
    ),
    [
      ['typed', 'spec.policyTypes'],
      ['untyped', 'spec.egress'],
    ],
  );
});

t('Calico: types when written, else egress', () => {
  assert.equal(
    pathOf(
      calico('typed', 'shop', '{selector: all(), types: [Egress]}') +
        calico('untyped', 'shop', '{selector: all(), egress: [{action: Allow}]}'),
    ),
    [
      ['typed', 'spec.types'],
      ['untyped', 'spec.egress'],
    ],
  );
});

t('Cilium: enableDefaultDeny when written, else the first egress section (egressDeny when it denies)', () => {
  assert.equal(
    pathOf(
      cnp('typed', 'shop', '{endpointSelector: {}, enableDefaultDeny: {egress: true}, egress: [{}]}') +
        cnp('allows', 'shop', '{endpointSelector: {}, egress: [{toEntities: [world]}]}') +
        cnp('denies', 'shop', '{endpointSelector: {}, egressDeny: [{toEntities: [world]}]}'),
    ),
    [
      ['typed', 'spec.enableDefaultDeny'],
      ['allows', 'spec.egress'],
      ['denies', 'spec.egressDeny'],
    ],
  );
});

t.run();
