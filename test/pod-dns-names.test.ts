// The index of StatefulSet pod DNS names (`<set>-<ordinal>.<service>`) that statefulset-service-missing
// asks once per StatefulSet: it must answer as the regular expression `<set>-\d+\.<service>\b` over the
// input's text would.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mentionsPodDnsName } from '../rules/workload/pod-dns-names';
import { modelOf } from './helpers';

const env = (name: string, value: string) => `        - {name: ${name}, value: "${value}"}\n`;
const model = modelOf({
  'a.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: client}\nspec:\n  template:\n    spec:\n' +
    '      containers:\n      - name: c\n        env:\n' +
    env('ZK', 'zk-0.zk-hs.data.svc:2888,zk-12.zk-hs:2888') +
    env('WEB', 'http://myweb-3.nginx-headless/') +
    env('ODD', 'db-0-1.pg and cache-7.redis_x and q-1.queue'),
});

for (const [set, service, want] of [
  ['zk', 'zk-hs', true],
  ['zk', 'zk', true], // `zk-hs` holds `zk` at a word boundary, as \b would see it
  ['web', 'nginx-headless', true], // no boundary before the set name, as in the regular expression
  ['web', 'nginx', true],
  ['web', 'nginx-head', false], // not at a boundary
  ['db', 'pg', false], // db-0-1.pg: the ordinal must come right before the dot
  ['db-0', 'pg', true],
  ['cache', 'redis', false], // redis_x: `_` is a word character, no boundary
  ['q', 'queue', true],
  ['zk', 'data', false],
] as const)
  test(`${set}-N.${service}: ${want ? 'mentioned' : 'not mentioned'}`, () => {
    assert.is(mentionsPodDnsName(model, set, service), want);
  });

test.run();
