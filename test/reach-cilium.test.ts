// `kube-netlint reach` over Cilium policies: the map and --from/--to explanations come from the one
// policy engine, naming the CNP/CCNP rule that allows or denies (deny precedence shown).
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, tempDir } from './helpers';

const deploy = (name: string, port: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec: {containers: [{name: c, image: x, ports: [{containerPort: ${port}}]}]}\n---\n`;

const POLICIES = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: api}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: web}}]
    toPorts:
    - ports: [{port: "8080", protocol: TCP}]
      rules:
        http: [{method: GET}]
  - fromEndpoints: [{matchLabels: {app: admin}}]
  ingressDeny:
  - fromEndpoints: [{matchLabels: {app: admin}}]
    toPorts:
    - ports: [{port: "8080", protocol: TCP}]
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: web-egress}
specs:
- endpointSelector: {matchLabels: {app: web}}
  egress:
  - toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": shop, app: api}}]
  - toCIDRSet: [{cidr: 0.0.0.0/0, except: [10.0.0.0/8]}]
`;

const r = suite('reach: Cilium policies');
let dir = '';

r.before(() => {
  dir = tempDir('kube-netlint-reach-cilium-');
  writeFileSync(path.join(dir, 'apps.yaml'), deploy('web', 80) + deploy('api', 8080) + deploy('admin', 80));
  writeFileSync(path.join(dir, 'policies.yaml'), POLICIES);
});
r.after(() => rmSync(dir, { recursive: true, force: true }));

r('the map: CNP ingress allows, CCNP egress and CIDR ranges (with except) cut the outside', () => {
  const out = runCli(['reach', '.'], { cwd: dir }).stdout;
  assert.match(out, /^shop\/web\[Deployment\] => shop\/api\[Deployment\] : TCP 8080$/m);
  assert.not.match(out, /^shop\/web\[Deployment\] => shop\/admin/m, 'web is in egress default deny');
  assert.match(
    out,
    /^shop\/admin\[Deployment\] => shop\/api\[Deployment\] : SCTP 1-65535,TCP 1-8079,8081-65535,UDP 1-65535$/m,
  );
  assert.match(
    out,
    /^shop\/web\[Deployment\] => 0\.0\.0\.0-9\.255\.255\.255\[External\] : All Connections$/m,
  );
  assert.not.match(out, /^shop\/web\[Deployment\] => 10\.0\.0\.0-10\.255\.255\.255\[External\]/m);
});

r('--from/--to names the CNP and CCNP rules, and the deny rule that wins', () => {
  const yes = runCli(['reach', '.', '--from', 'shop/web', '--to', 'shop/api', '--port', '8080'], {
    cwd: dir,
  });
  assert.is(yes.status, 0);
  assert.match(
    yes.stdout,
    /egress of shop\/web\[Deployment\]: isolated by CiliumClusterwideNetworkPolicy web-egress specs\[0\]/,
  );
  assert.match(
    yes.stdout,
    /TCP 8080 allowed by egress rule 0 of CiliumClusterwideNetworkPolicy web-egress specs\[0\] \(policies\.yaml:\d+\)/,
  );
  assert.match(
    yes.stdout,
    /TCP 8080 allowed by ingress rule 0 of CiliumNetworkPolicy shop\/api \(policies\.yaml:\d+\)/,
  );
  const no = runCli(['reach', '.', '--from', 'shop/admin', '--to', 'shop/api', '--port', '8080'], {
    cwd: dir,
  });
  assert.is(no.status, 1);
  assert.match(no.stdout, /^DENIED: shop\/admin\[Deployment\] → shop\/api\[Deployment\] on TCP 8080$/m);
  assert.match(no.stdout, /TCP 8080 allowed by ingress rule 1 of CiliumNetworkPolicy shop\/api/);
  assert.match(
    no.stdout,
    /TCP 8080 denied by ingressDeny rule 0 of CiliumNetworkPolicy shop\/api \(policies\.yaml:\d+\) \(a deny wins over every allow\)/,
  );
  const other = runCli(['reach', '.', '--from', 'shop/admin', '--to', 'shop/api', '--port', '9090'], {
    cwd: dir,
  });
  assert.is(other.status, 0, 'the deny covers 8080 only');
});

r('--explain shows a Cilium deny winning over a Kubernetes NetworkPolicy allow', () => {
  const d = tempDir('kube-netlint-reach-cilium-knp-');
  try {
    writeFileSync(path.join(d, 'apps.yaml'), deploy('web', 80) + deploy('api', 8080));
    writeFileSync(
      path.join(d, 'policies.yaml'),
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: no-web-egress}
spec:
  endpointSelector: {matchLabels: {app: web}}
  enableDefaultDeny: {egress: false}
  egressDeny:
  - toEndpoints: [{matchLabels: {app: api}}]
    toPorts:
    - ports: [{port: "8080", protocol: TCP}]
`,
    );
    const out = runCli(['reach', '.', '--from', 'shop/web', '--to', 'shop/api', '--port', '8080'], {
      cwd: d,
    });
    assert.is(out.status, 1);
    assert.match(out.stdout, /^DENIED: shop\/web\[Deployment\] → shop\/api\[Deployment\] on TCP 8080$/m);
    assert.match(
      out.stdout,
      /egress of shop\/web\[Deployment\]: not isolated/,
      'enableDefaultDeny egress: false',
    );
    assert.match(
      out.stdout,
      /TCP 8080 allowed by ingress rule 0 of NetworkPolicy shop\/api \(policies\.yaml:7\)/,
    );
    assert.match(
      out.stdout,
      /TCP 8080 denied by egressDeny rule 0 of CiliumClusterwideNetworkPolicy no-web-egress \(policies\.yaml:\d+\) \(a deny wins over every allow\)/,
    );
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

r.run();
