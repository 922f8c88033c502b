import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CONTAINER_NOISE,
  internString,
  internStrings,
  METADATA_ONLY,
  POD_NOISE,
  withoutKeys,
} from '../src/load/compact';
import { asStringMap, type JsonObject } from '../src/util/values';
import * as jsyaml from 'js-yaml';
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

t('lists are copied at their exact length, and shared or cyclic lists stay shared', () => {
  const list: unknown[] = [];
  list.push('a-string-in-a-list');
  const cyclic: unknown[] = ['x'];
  cyclic.push(cyclic);
  const value: JsonObject = { a: list, b: list, c: cyclic, d: [[1], { e: list }] };
  internStrings(value);
  assert.equal(value['a'], ['a-string-in-a-list']);
  assert.is(value['a'], value['b']);
  assert.is(((value['d'] as unknown[])[1] as JsonObject)['e'], value['a']);
  const c = value['c'] as unknown[];
  assert.is(c[0], 'x');
  assert.is(c[1], c);
  assert.equal((value['d'] as unknown[])[0], [1]);
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

/** Every leaf of a value as a dotted path (`spec.ports.0.port`), sorted. */
function leafPaths(v: unknown, at = ''): string[] {
  if (v === null || typeof v !== 'object') return [at];
  const entries = Object.entries(v as object);
  if (entries.length === 0) return [at];
  return entries.flatMap(([k, x]) => leafPaths(x, at ? `${at}.${k}` : k)).sort();
}

function loadedPaths(text: string): { before: string[]; after: string[] } {
  const { docs } = loadTexts({ 'x.yaml': text });
  const before = leafPaths(JSON.parse(JSON.stringify(jsyaml.load(text))));
  return { before, after: leafPaths(docs[0]?.value) };
}

// Kinds the model and rules read field by field: loading keeps every field of these (status aside).
const READ_WHOLE: Record<string, string> = {
  Service:
    'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: n, labels: {a: b}, annotations: {x: y}}\nspec:\n  type: ClusterIP\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: http, protocol: TCP, appProtocol: http}]\n  publishNotReadyAddresses: true\n',
  NetworkPolicy:
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Ingress, Egress]\n  ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: k, operator: In, values: [v]}]}, podSelector: {}}, {ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}], ports: [{port: 80, endPort: 90, protocol: TCP}]}]\n  egress: [{to: [{podSelector: {matchLabels: {a: b}}}]}]\n',
  Ingress:
    'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, annotations: {nginx.ingress.kubernetes.io/rewrite-target: /}}\nspec:\n  ingressClassName: nginx\n  tls: [{hosts: [a.example.com], secretName: t}]\n  rules: [{host: a.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: {name: http}}}}]}}]\n',
  HTTPRoute:
    'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r}\nspec:\n  parentRefs: [{name: gw, sectionName: https}]\n  hostnames: [a.example.com]\n  rules: [{matches: [{path: {type: PathPrefix, value: /}}], backendRefs: [{name: s, port: 80, weight: 1}]}]\n',
  CiliumNetworkPolicy:
    'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: c}\nspec:\n  endpointSelector: {matchLabels: {app: web}}\n  egress: [{toFQDNs: [{matchName: a.example.com}], toPorts: [{ports: [{port: "443", protocol: TCP}], rules: {http: [{method: GET}]}}]}]\n',
  ConfigMap:
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-proxy, namespace: kube-system}\ndata:\n  config.conf: "clusterCIDR: 10.0.0.0/8"\n',
};

for (const [kind, text] of Object.entries(READ_WHOLE))
  prune(`${kind}: every field is kept`, () => {
    const { before, after } = loadedPaths(text);
    assert.equal(after, before);
  });

prune('a Deployment keeps exactly these paths: what the model reads of a pod template', () => {
  const { after } = loadedPaths(DEPLOYMENT);
  assert.equal(after, [
    'apiVersion',
    'kind',
    'metadata.annotations.keep',
    'metadata.name',
    'spec.template.metadata.labels.app',
    'spec.template.spec.containers.0.image',
    'spec.template.spec.containers.0.name',
    'spec.template.spec.containers.0.ports.0.containerPort',
    'spec.template.spec.securityContext.runAsUser',
  ]);
});

prune('kinds read only by metadata keep apiVersion, kind and metadata', () => {
  const { after } = loadedPaths(
    'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h, namespace: n, labels: {a: b}}\nspec:\n  scaleTargetRef: {kind: Deployment, name: web}\n  metrics: [{type: Resource}]\n',
  );
  assert.equal(after, ['apiVersion', 'kind', 'metadata.labels.a', 'metadata.name', 'metadata.namespace']);
  const role = loadedPaths(
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules: [{apiGroups: [""], resources: [pods], verbs: [get]}]\n',
  );
  assert.equal(role.after, ['apiVersion', 'kind', 'metadata.name']);
  // A custom resource of the same kind name in another group is not one of them.
  const other = loadedPaths('apiVersion: example.com/v1\nkind: Role\nmetadata: {name: r}\nspec: {a: b}\n');
  assert.equal(other.after, other.before);
});

/**
 * What loading drops must stay unread: a source file that names a dropped field or a metadata-only
 * kind fails here, so a new rule reading one cannot silently see nothing. Keep the field in
 * src/load/compact.ts (or add the place here, with why it is another field of the same name).
 */
const NAMED_ELSEWHERE: Record<string, string> = {
  // Kustomization's own `resources:` list, not a container's.
  'src/load/kustomize.ts resources': 'kustomization field',
  // Custom resources are walked for pod templates, skipping their status.
  'src/model/custom-resources.ts status': 'skipped, not read',
  // Gateway TLS `validation` (caCertificateRefs), not a CRD's schema validation.
  'rules/gateway/gateway-ref-not-permitted.ts validation': 'Gateway field',
  // Removed API versions and scope: apiVersion and kind only.
  'src/model/removed-apis.ts HorizontalPodAutoscaler': 'apiVersion only',
  'src/model/kinds.ts ClusterRole': 'scope only',
  'src/model/kinds.ts PersistentVolume': 'scope only',
  'src/model/kinds.ts StorageClass': 'scope only',
  'src/model/kinds.ts PriorityClass': 'scope only',
  // RBAC names follow path-segment rules: metadata only.
  'rules/input/object-name-invalid.ts Role': 'name only',
  'rules/input/object-name-invalid.ts ClusterRole': 'name only',
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

prune('no source file names a field or a kind that loading drops (see NAMED_ELSEWHERE)', () => {
  const root = path.resolve(__dirname, '..', '..');
  const dropped = [
    ...CONTAINER_NOISE,
    ...POD_NOISE,
    'status',
    'managedFields',
    'binaryData',
    'stringData',
    'validation',
    'schema',
  ];
  const kinds = [...METADATA_ONLY].map((k) => k.slice(k.indexOf('/') + 1));
  const found: string[] = [];
  for (const file of [...sources(path.join(root, 'src')), ...sources(path.join(root, 'rules'))]) {
    const rel = path.relative(root, file).split(path.sep).join('/');
    if (rel === 'src/load/compact.ts') continue;
    const text = readFileSync(file, 'utf8');
    for (const key of dropped)
      if (new RegExp(`['"\`]${key}['"\`]`).test(text) && !NAMED_ELSEWHERE[`${rel} ${key}`])
        found.push(`${rel} ${key}`);
    for (const kind of kinds)
      if (new RegExp(`\\b${kind}\\b`).test(text) && !NAMED_ELSEWHERE[`${rel} ${kind}`])
        found.push(`${rel} ${kind}`);
  }
  assert.equal(found, []);
});

t.run();
prune.run();
