import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveTargetPort, servicePorts } from '../src/model/service-ports';
import { lintTexts, modelOf } from './helpers';

const POD = `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec:
  initContainers:
  - {name: init, image: x, ports: [{name: boot, containerPort: 7000}]}
  - {name: side, image: x, restartPolicy: Always, ports: [{name: metrics, containerPort: 9090}]}
  containers:
  - name: app
    image: x
    ports:
    - {name: http, containerPort: 8080}
    - {name: dns, containerPort: 53, protocol: UDP}
`;

function resolve(ports: string) {
  const model = modelOf({
    'a.yaml':
      POD +
      `---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {app: p}\n  ports: ${ports}\n`,
  });
  const svc = model.ofKind('', 'Service')[0]!;
  const pod = model.servicePods(svc)[0]!;
  return servicePorts(svc).map((sp) => {
    const r = resolveTargetPort(sp, pod);
    return r.kind === 'resolved' || r.kind === 'protocol-mismatch'
      ? `${r.kind}:${r.container.name}:${r.port.containerPort}`
      : r.kind;
  });
}

const t = suite('service port resolution (FindPort semantics)');

t('targetPort defaults to port; protocol defaults to TCP', () => {
  const model = modelOf({
    'a.yaml':
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80}, {port: 53, protocol: UDP, targetPort: "dns"}, {port: 81, targetPort: "8081"}]\n',
  });
  const ports = servicePorts(model.objects[0]!);
  assert.equal(
    ports.map((p) => [p.port, p.targetPort, p.protocol, p.targetPortDefaulted]),
    [
      [80, 80, 'TCP', true],
      [53, 'dns', 'UDP', false],
      [81, 8081, 'TCP', false],
    ],
  );
});

t('named ports resolve on app containers and native sidecars, not init containers', () => {
  assert.equal(
    resolve(
      '[{port: 80, targetPort: http}, {port: 9090, targetPort: metrics}, {port: 7000, targetPort: boot}]',
    ),
    ['resolved:app:8080', 'resolved:side:9090', 'name-missing'],
  );
});

t('a named port matches name and protocol', () => {
  assert.equal(resolve('[{port: 53, targetPort: dns}, {port: 53, protocol: UDP, targetPort: dns}]'), [
    'protocol-mismatch:app:53',
    'resolved:app:53',
  ]);
});

t('numbers: declared, declared with another protocol, undeclared', () => {
  assert.equal(
    resolve('[{port: 80, targetPort: 8080}, {port: 8080, protocol: UDP}, {port: 81, targetPort: 9999}]'),
    ['resolved:app:8080', 'protocol-mismatch:app:8080', 'number-undeclared'],
  );
});

t('Services without selector and ExternalName Services select no pods', () => {
  const model = modelOf({
    'a.yaml':
      POD +
      '---\napiVersion: v1\nkind: Service\nmetadata: {name: none}\nspec: {ports: [{port: 80}]}\n' +
      '---\napiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec: {type: ExternalName, externalName: x.example.com, selector: {app: p}}\n' +
      '---\napiVersion: v1\nkind: Service\nmetadata: {name: empty}\nspec: {selector: {}}\n',
  });
  for (const svc of model.ofKind('', 'Service')) assert.is(model.servicePods(svc).length, 0, svc.name);
});

t.run();

const v = suite('install variants side by side');

const deploy = (name: string, port: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: ns}\nspec:\n  selector: {matchLabels: {app: c}}\n  template:\n    metadata: {labels: {app: c}}\n    spec: {containers: [{name: c, image: x, ports: [{name: ${port}, containerPort: 80}]}]}\n`;
const svc =
  'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns}\nspec: {selector: {app: c}, ports: [{port: 80, targetPort: web}]}\n';

v('a Service resolves to the nearest definition of a workload defined in several variants', () => {
  const model = modelOf({
    'provider/aws/deploy.yaml': svc + '---\n' + deploy('controller', 'web'),
    'provider/kind/deploy.yaml': deploy('controller', 'http'),
    'provider/exoscale/deploy.yaml': deploy('controller-ds', 'http'),
  });
  const s = model.ofKind('', 'Service')[0]!;
  assert.equal(
    model.servicePods(s).map((p) => p.owner.doc.file.path),
    ['provider/aws/deploy.yaml'],
  );
});

v('pods in a parent folder still resolve when nothing is nearer', () => {
  const model = modelOf({ 'app/gateway-api/svc.yaml': svc, 'app/deploy.yaml': deploy('controller', 'web') });
  assert.is(model.servicePods(model.ofKind('', 'Service')[0]!).length, 1);
});

v.run();

const np = suite('node ports across folders');

np('Services in sibling folders are separate installs; in one folder they conflict', () => {
  const svc = (name: string) =>
    `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 30001}]\n`;
  const ids = (files: Record<string, string>) =>
    lintTexts(files, { ruleIds: ['node-port-conflict'] }).map((f) => f.location.file);
  assert.equal(ids({ 'shop/a.yaml': svc('a'), 'blog/b.yaml': svc('b') }), []);
  assert.equal(ids({ 'shop/a.yaml': svc('a'), 'shop/b.yaml': svc('b') }), ['shop/b.yaml']);
});

np.run();
