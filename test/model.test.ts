import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseLabelSelector, selectorFromMap, selectorMatches } from '../src/model/labels';
import { NAMESPACE_NAME_LABEL } from '../src/model/model';
import { withoutKustomizePatches } from '../src/load/kustomize';
import { loadTexts, modelOf } from './helpers';

const ns = suite('model: identity and namespaces');

ns('objects without a namespace are in the default namespace; cluster-scoped kinds have none', () => {
  const model = modelOf({
    'a.yaml':
      'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: default}\n---\n' +
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, namespace: ignored}\n---\n' +
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r, namespace: ignored}\n',
  });
  assert.equal(
    model.objects.map((o) => o.id),
    ['Service/default/a', 'Service/default/b', 'Namespace/shop', 'ClusterRole/r'],
  );
  assert.is(model.get('', 'Service', 'default', 'a')?.defaultedNamespace, true);
  assert.is(model.get('', 'Service', 'default', 'b')?.defaultedNamespace, false);
});

ns('the default namespace can be changed', () => {
  const model = modelOf({ 'a.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n' }, 'team-a');
  assert.equal(model.objects[0]!.id, 'Service/team-a/a');
});

ns('CustomResourceDefinitions in the input declare cluster-scoped kinds', () => {
  const model = modelOf({
    'a.yaml':
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec: {group: example.com, scope: Cluster, names: {kind: Widget}}\n---\n' +
      'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n---\napiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n',
  });
  assert.equal(
    model.objects.slice(1).map((o) => o.id),
    ['Widget/w', 'Gadget/default/g'],
  );
});

ns('namespaces carry kubernetes.io/metadata.name; other labels only from Namespace objects', () => {
  const model = modelOf({
    'a.yaml':
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: a, kubernetes.io/metadata.name: wrong}}\n---\n' +
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: other}\n',
  });
  assert.equal(model.namespaceLabels('shop'), { [NAMESPACE_NAME_LABEL]: 'shop', team: 'a' });
  assert.equal(model.namespaceLabels('other'), { [NAMESPACE_NAME_LABEL]: 'other' });
  assert.equal(model.namespaceLabels('kube-system'), { [NAMESPACE_NAME_LABEL]: 'kube-system' });
});

ns('the same object twice is kept twice and listed as a duplicate', () => {
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n';
  const model = modelOf({ 'a.yaml': cm, 'b.yaml': cm });
  assert.is(model.objects.length, 2);
  assert.is(model.duplicates.length, 1);
  assert.is(model.duplicates[0]!.first.doc.file.path, 'a.yaml');
});

ns.run();

const sel = suite('model: label selectors');

const labels = (o: Record<string, string>) => new Map(Object.entries(o));

sel('matchLabels and matchExpressions are ANDed; the four operators', () => {
  const s = parseLabelSelector({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['front', 'edge'] },
      { key: 'env', operator: 'NotIn', values: ['dev'] },
      { key: 'team', operator: 'Exists' },
      { key: 'legacy', operator: 'DoesNotExist' },
    ],
  });
  assert.is(selectorMatches(s, labels({ app: 'web', tier: 'edge', env: 'prod', team: 'a' })), true);
  assert.is(
    selectorMatches(s, labels({ app: 'web', tier: 'edge', team: 'a' })),
    true,
    'NotIn matches a missing key',
  );
  assert.is(selectorMatches(s, labels({ app: 'web', tier: 'back', team: 'a' })), false);
  assert.is(selectorMatches(s, labels({ app: 'web', tier: 'edge', env: 'dev', team: 'a' })), false);
  assert.is(selectorMatches(s, labels({ app: 'web', tier: 'edge' })), false);
  assert.is(selectorMatches(s, labels({ app: 'web', tier: 'edge', team: 'a', legacy: 'x' })), false);
});

sel('an empty or null selector matches everything', () => {
  assert.is(selectorMatches(parseLabelSelector({}), labels({ a: 'b' })), true);
  assert.is(selectorMatches(parseLabelSelector(null), labels({})), true);
});

sel('malformed selectors are reported, not thrown', () => {
  const s = parseLabelSelector({
    matchExpressions: [{ key: 'a', operator: 'In' }, { key: 'b', operator: 'Like', values: ['x'] }, 'x'],
  });
  assert.is(s.errors.length, 3);
});

sel('Service selectors are equality maps; non-string scalars compare as text', () => {
  assert.is(selectorMatches(selectorFromMap({ version: 1 }), labels({ version: '1' })), true);
});

sel.run();

const pods = suite('model: pod templates');

pods('controller-added labels: StatefulSet ordinals, Job names, run-time hashes', () => {
  const model = modelOf({
    'a.yaml':
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec: {replicas: 2, template: {metadata: {labels: {app: db}}}}\n---\n' +
      'apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec: {template: {metadata: {labels: {app: m}}}}\n---\n' +
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {metadata: {labels: {app: web}}}}\n',
  });
  const pick = (o: Record<string, string>) =>
    model.selectPods(selectorFromMap(o), 'default').map((p) => p.owner.name);
  assert.equal(pick({ 'statefulset.kubernetes.io/pod-name': 'db-1' }), ['db']);
  assert.equal(pick({ 'statefulset.kubernetes.io/pod-name': 'db-2' }), []);
  assert.equal(pick({ 'apps.kubernetes.io/pod-index': '0' }), ['db']);
  assert.equal(pick({ 'job-name': 'migrate' }), ['migrate']);
  assert.equal(pick({ 'batch.kubernetes.io/job-name': 'other' }), []);
  assert.equal(pick({ app: 'web', 'pod-template-hash': 'abc123' }), ['web']);
});

pods('StatefulSet replicas default to 1', () => {
  const model = modelOf({
    'a.yaml':
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec: {template: {metadata: {labels: {app: db}}}}\n',
  });
  const pick = (name: string) =>
    model.selectPods(selectorFromMap({ 'statefulset.kubernetes.io/pod-name': name }), 'default').length;
  assert.is(pick('db-0'), 1);
  assert.is(pick('db-1'), 0);
});

pods('containers: init containers, native sidecars, ports with protocol defaults', () => {
  const model = modelOf({
    'a.yaml':
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  dnsPolicy: ClusterFirstWithHostNet\n  initContainers:\n  - {name: init, image: x}\n  - {name: proxy, image: x, restartPolicy: Always, ports: [{containerPort: 15001, name: proxy}]}\n  containers:\n  - name: app\n    image: x\n    ports: [{containerPort: 8080, name: http}, {containerPort: 53, protocol: UDP}]\n',
  });
  const pod = model.pods[0]!;
  assert.is(pod.hostNetwork, true);
  assert.is(pod.dnsPolicy, 'ClusterFirstWithHostNet');
  assert.equal(
    pod.containers.map(
      (c) => `${c.name}:${c.role}:${c.ports.map((p) => `${p.containerPort}/${p.protocol}`).join(',')}`,
    ),
    ['app:container:8080/TCP,53/UDP', 'init:init:', 'proxy:sidecar:15001/TCP'],
  );
});

pods('prometheus-operator resources become pods with the operator labels', () => {
  const model = modelOf({
    'a.yaml':
      'apiVersion: monitoring.coreos.com/v1\nkind: Alertmanager\nmetadata: {name: main, namespace: monitoring}\nspec: {replicas: 3, podMetadata: {labels: {team: obs}}}\n',
  });
  const found = model.selectPods(
    selectorFromMap({
      'app.kubernetes.io/name': 'alertmanager',
      alertmanager: 'main',
      team: 'obs',
      'statefulset.kubernetes.io/pod-name': 'alertmanager-main-2',
    }),
    'monitoring',
  );
  assert.is(found.length, 1);
  assert.is(found[0]!.origin, 'operator');
});

pods(
  'custom resources of unknown kinds are listed as possible pod sources; known pod-free ones are not',
  () => {
    const model = modelOf({
      'a.yaml':
        'apiVersion: example.com/v1\nkind: Database\nmetadata: {name: d}\n---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: s}\n',
    });
    assert.equal(
      model.opaqueResourcesIn('default').map((o) => o.id),
      ['Database/default/d'],
    );
  },
);

pods('selection is limited to the namespace', () => {
  const model = modelOf({
    'a.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a, labels: {app: x}}\n',
  });
  assert.is(model.selectPods(selectorFromMap({ app: 'x' }), 'b').length, 0);
  assert.is(model.selectPodsAnywhere(selectorFromMap({ app: 'x' })).length, 1);
});

pods.run();

const more = suite('model: operators and kustomize');

more('KubeVirt VirtualMachines run in pods carrying the template labels, ports unknown', () => {
  const model = modelOf({
    'a.yaml':
      'apiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata: {name: vm1}\nspec:\n  template:\n    metadata: {labels: {kubevirt.io/size: small}}\n',
  });
  const pods = model.selectPods(
    selectorFromMap({ 'kubevirt.io/size': 'small', 'vm.kubevirt.io/name': 'vm1' }),
    'default',
  );
  assert.is(pods.length, 1);
  assert.is(pods[0]!.portsKnown, false);
});

more('kustomize patches are not objects', () => {
  const loaded = loadTexts({
    'kustomization.yaml':
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [web.yaml, delete.yaml]\npatches:\n- path: patch.yaml\npatchesStrategicMerge: [old-patch.yaml]\n',
    'patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n',
    'old-patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec: {replicas: 2}\n',
    'delete.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: loadgen}\n$patch: delete\n',
    'web.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {spec: {containers: [{name: c, image: x}]}}}\n',
  });
  const kept = withoutKustomizePatches(loaded.docs).map((d) => d.file.path);
  assert.equal(kept, ['kustomization.yaml', 'web.yaml']);
});

more.run();
