// Prometheus operator and cert-manager rules on inputs the fixture folders cannot express
// (files in several folders).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { nameCovers } from '../src/model/cert-manager';
import { lintTexts } from './helpers';

const t = suite('monitors and issuers across folders');

const monitor =
  'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web, labels: {app: web}}\n' +
  'spec:\n  selector: {matchLabels: {app: web}}\n  endpoints: [{port: metrics}]\n';
const prometheus =
  'apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: main}\n' +
  'spec:\n  serviceMonitorSelector: {matchLabels: {team: other}}\n';

t('a Prometheus in a sibling folder (another example) does not judge a monitor', () => {
  const ids = lintTexts(
    { 'app/monitor.yaml': monitor, 'other/prometheus.yaml': prometheus },
    {
      ruleIds: ['monitor-not-selected'],
    },
  ).map((f) => f.ruleId);
  assert.equal(ids, []);
});

t('a Prometheus in the same folder does', () => {
  const ids = lintTexts(
    { 'app/monitor.yaml': monitor, 'app/prometheus.yaml': prometheus },
    {
      ruleIds: ['monitor-not-selected'],
    },
  ).map((f) => f.ruleId);
  assert.equal(ids, ['monitor-not-selected']);
});

t('certificate names cover hosts as TLS clients match them (one-label wildcards)', () => {
  assert.ok(nameCovers('shop.example.com', 'SHOP.example.com'));
  assert.ok(nameCovers('*.example.com', 'www.example.com'));
  assert.not.ok(nameCovers('*.example.com', 'example.com'));
  assert.not.ok(nameCovers('*.example.com', 'a.b.example.com'));
  assert.not.ok(nameCovers('www.example.com', 'example.com'));
});

t('HTTP-01 solver pods are modelled only where a Certificate of the input uses the ACME issuer', () => {
  const issuer =
    'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: le}\nspec:\n  acme:\n' +
    '    solvers: [{http01: {ingress: {ingressClassName: nginx}}}]\n';
  const deny =
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\n' +
    'spec: {podSelector: {}, policyTypes: [Ingress]}\n';
  const cert =
    'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c, namespace: shop}\n' +
    'spec: {secretName: s, dnsNames: [a.example.com], issuerRef: {name: le, kind: ClusterIssuer}}\n';
  const rule = { ruleIds: ['acme-solver-unreachable'] };
  assert.equal(lintTexts({ 'a.yaml': issuer, 'b.yaml': deny }, rule).length, 0);
  assert.equal(lintTexts({ 'a.yaml': issuer, 'b.yaml': deny, 'c.yaml': cert }, rule).length, 1);
});

t.run();
