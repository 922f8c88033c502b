// `kube-netlint reach` over Calico policies: the map follows ordered first-match evaluation, and
// --from/--to names the tier, policy and rule that decided, Pass and the tier's default included.
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, tempDir } from './helpers';

const deploy = (name: string, port: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec: {containers: [{name: c, image: x, ports: [{containerPort: ${port}}]}]}\n---\n`;

const POLICIES = `apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 100}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: security.web-to-api}
spec:
  tier: security
  selector: app == 'api'
  ingress:
  - action: Pass
    protocol: TCP
    source: {selector: app == 'web'}
    destination: {ports: [8080]}
  - action: Deny
    source: {selector: app == 'admin'}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  order: 10
  selector: app == 'api'
  ingress:
  - action: Allow
    protocol: TCP
    destination: {ports: [8080]}
`;

const r = suite('reach: Calico policies');
let dir = '';

r.before(() => {
  dir = tempDir('kube-netlint-reach-calico-');
  writeFileSync(path.join(dir, 'apps.yaml'), deploy('web', 80) + deploy('api', 8080) + deploy('admin', 80));
  writeFileSync(path.join(dir, 'policies.yaml'), POLICIES);
});
r.after(() => rmSync(dir, { recursive: true, force: true }));

r('the map: web passes the security tier and is allowed on 8080 only; admin is denied', () => {
  const out = runCli(['reach', '.'], { cwd: dir }).stdout;
  assert.match(out, /^shop\/web\[Deployment\] => shop\/api\[Deployment\] : TCP 8080$/m);
  assert.not.match(out, /^shop\/admin\[Deployment\] => shop\/api/m);
});

r('--from/--to names the tier, the Pass, and the rule that decided', () => {
  const yes = runCli(['reach', '.', '--from', 'shop/web', '--to', 'shop/api', '--port', '8080'], {
    cwd: dir,
  });
  assert.is(yes.status, 0, yes.stdout);
  assert.match(
    yes.stdout,
    /TCP 8080: Pass by ingress rule 0 of GlobalNetworkPolicy security\.web-to-api \(policies\.yaml:\d+\) in tier security/,
  );
  assert.match(
    yes.stdout,
    /TCP 8080: Allow by ingress rule 0 of NetworkPolicy shop\/api \(policies\.yaml:\d+\) in tier default/,
  );
  const no = runCli(['reach', '.', '--from', 'shop/admin', '--to', 'shop/api', '--port', '8080'], {
    cwd: dir,
  });
  assert.is(no.status, 1);
  assert.match(no.stdout, /^DENIED: shop\/admin\[Deployment\] → shop\/api\[Deployment\] on TCP 8080$/m);
  assert.match(no.stdout, /TCP 8080: Deny by ingress rule 1 of GlobalNetworkPolicy security\.web-to-api/);
  const other = runCli(['reach', '.', '--from', 'shop/web', '--to', 'shop/api', '--port', '9090'], {
    cwd: dir,
  });
  assert.is(other.status, 1);
  assert.match(
    other.stdout,
    /TCP 9090: no rule of tier security matched: the tier's default action Deny applies/,
  );
});

r.run();
