// Prometheus operator and cert-manager rules on inputs the fixture folders cannot express
// (files in several folders).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
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

t.run();
