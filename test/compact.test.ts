import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { internString, internStrings, withoutKeys } from '../src/load/compact';
import { asStringMap, type JsonObject } from '../src/util/values';
import { loadTexts } from './helpers';

const t = suite('compact: parsed values');

t('interning keeps every value, in arrays and nested mappings, and leaves keys alone', () => {
  const long = 'x'.repeat(300);
  const value: JsonObject = {
    kind: 'Service',
    metadata: { name: 'a-name-longer-than-thirteen', labels: { app: 'web' } },
    spec: { ports: [{ name: 'http', port: 80 }, 'a-string-in-a-list', null, true], text: long },
  };
  const before = JSON.parse(JSON.stringify(value)) as JsonObject;
  assert.is(internStrings(value), value);
  assert.equal(value, before);
});

t('interning visits shared and cyclic objects once (aliases of the full parse)', () => {
  const shared: JsonObject = { app: 'web' };
  const cyclic: JsonObject = { name: 'loop' };
  cyclic['self'] = cyclic;
  const value: JsonObject = { a: shared, b: shared, c: cyclic };
  internStrings(value);
  assert.is(value['a'], value['b']);
  assert.is((value['c'] as JsonObject)['self'], value['c']);
  assert.is((value['a'] as JsonObject)['app'], 'web');
});

t('interning leaves dates and bytes as they are', () => {
  const when = new Date(0);
  const bytes = new Uint8Array([1, 2, 3]);
  const value: JsonObject = { when, bytes };
  internStrings(value);
  assert.is(value['when'], when);
  assert.is(value['bytes'], bytes);
  assert.equal([...bytes], [1, 2, 3]);
});

t('a __proto__ key of the input stays a data key through interning and withoutKeys', () => {
  const value = JSON.parse('{"__proto__": "x-value-longer-than-13", "app": "web", "drop": 1}') as JsonObject;
  internStrings(value);
  const kept = withoutKeys(value, (k) => k === 'drop');
  assert.equal(Object.keys(kept), ['__proto__', 'app']);
  assert.is(kept['__proto__'], 'x-value-longer-than-13');
  assert.is(Object.getPrototypeOf(kept), Object.prototype);
});

t('withoutKeys returns the same object when nothing is dropped, else a copy in key order', () => {
  const value: JsonObject = { a: 1, b: 2, c: 3 };
  assert.is(
    withoutKeys(value, () => false),
    value,
  );
  const kept = withoutKeys(value, (k) => k === 'b');
  assert.is.not(kept, value);
  assert.equal(Object.keys(kept), ['a', 'c']);
  assert.equal(value, { a: 1, b: 2, c: 3 });
});

t('the pool starts over when full, and still returns equal strings', () => {
  for (let i = 0; i < (1 << 17) + 10; i++) internString(`value-number-${i}`);
  assert.is(internString('value-number-5'), 'value-number-5');
});

t('string maps have no inherited keys, and __proto__ or constructor are ordinary keys', () => {
  const empty = asStringMap({});
  assert.is(empty['constructor'], undefined);
  assert.is(empty['toString'], undefined);
  assert.not.ok('hasOwnProperty' in empty);
  const map = asStringMap(JSON.parse('{"__proto__": "a", "constructor": "b", "n": 1}'));
  assert.equal(Object.entries(map), [
    ['__proto__', 'a'],
    ['constructor', 'b'],
    ['n', '1'],
  ]);
});

const prune = suite('compact: what loading drops');

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  managedFields: [{manager: kubectl}]
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{}'
    keep: me
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      volumes: [{name: v}]
      securityContext: {runAsUser: 1337, fsGroup: 2}
      containers:
      - name: web
        image: web:1
        resources: {limits: {cpu: 1}}
        securityContext: {privileged: true}
        ports: [{containerPort: 80}]
status: {replicas: 1}
`;

prune('a workload keeps what rules read and loses status, managedFields and pod-spec noise', () => {
  const { docs } = loadTexts({ 'd.yaml': DEPLOYMENT });
  assert.equal(docs[0]?.value, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', annotations: { keep: 'me' } },
    spec: {
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          securityContext: { runAsUser: 1337 },
          containers: [{ name: 'web', image: 'web:1', ports: [{ containerPort: 80 }] }],
        },
      },
    },
  });
});

prune('the full parse path (an alias) prunes the same way', () => {
  const text = DEPLOYMENT.replace('  name: web\n', '  name: &n web\n').replace('- name: web', '- name: *n');
  const { docs } = loadTexts({ 'd.yaml': text });
  const spec = (docs[0]?.value['spec'] as JsonObject)['template'] as JsonObject;
  assert.equal(spec['spec'], {
    securityContext: { runAsUser: 1337 },
    containers: [{ name: 'web', image: 'web:1', ports: [{ containerPort: 80 }] }],
  });
});

prune('ConfigMaps keep the keys rules read; Secrets keep no data; CRDs lose their schemas', () => {
  const { docs } = loadTexts({
    'c.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  app.yaml: x\n  Corefile: ".:53 {}"\n  x.server: z\nbinaryData: {b: AA==}\n' +
      '---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: dg==}\nstringData: {k: v}\ntype: Opaque\n' +
      '---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: c}\nspec:\n  group: g\n  validation: {}\n  versions: [{name: v1, schema: {openAPIV3Schema: {}}}]\n',
  });
  assert.equal(docs[0]?.value['data'], { Corefile: '.:53 {}', 'x.server': 'z' });
  assert.equal(Object.keys(docs[0]?.value ?? {}), ['apiVersion', 'kind', 'metadata', 'data']);
  assert.equal(docs[1]?.value, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque' });
  assert.equal(docs[2]?.value['spec'], { group: 'g', versions: [{ name: 'v1' }] });
});

t.run();
prune.run();
