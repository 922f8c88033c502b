// The shapes real repositories hold that are not plain manifests: Helm charts in the tree,
// kustomize layouts, placeholders, non-manifest JSON, template text in data. Each is driven through
// the command line, as a user meets it.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, tempDir } from './helpers';

interface Report {
  findings: { ruleId: string; severity: string; file: string; message: string; object?: { id: string } }[];
  summary: { objects: number };
}

function project(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function lintDir(dir: string, args: string[] = []): Report {
  const r = runCli(['--no-config', '-f', 'json', ...args], { cwd: dir });
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Report;
}

const DEPLOY = (name: string, ns?: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  selector:\n    matchLabels: {app: ${name}}\n  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n      containers:\n        - name: c\n          image: x\n          ports: [{containerPort: 8080}]\n`;
const SERVICE = (name: string, app: string, ns?: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  selector: {app: ${app}}\n  ports: [{port: 80, targetPort: 8080}]\n`;

const s = suite('repository shapes');

s(
  'a Helm chart in the tree: one note for the chart, its template-free templates are not linted alone',
  () => {
    const dir = project({
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
      'charts/web/values.yaml': 'port: 80\n',
      // Template-free, but its Deployment is templated in the next file: linted alone it would be
      // "selects no pod".
      'charts/web/templates/service.yaml': SERVICE('web', 'web'),
      'charts/web/templates/deployment.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
      'apps/api.yaml': DEPLOY('api') + '---\n' + SERVICE('api', 'api'),
    });
    const r = lintDir(dir);
    assert.equal(
      r.findings.map((f) => `${f.ruleId} ${f.file}`),
      ['helm-template charts/web/Chart.yaml'],
    );
    assert.match(r.findings[0]!.message, /Helm chart 'web'.*helm template RELEASE charts\/web/);
    // A template named on the command line (a pre-commit hook passes staged files) is the chart's too.
    const staged = lintDir(dir, ['charts/web/templates/service.yaml']);
    assert.equal(
      staged.findings.map((f) => `${f.ruleId} ${f.file}`),
      ['helm-template charts/web/Chart.yaml'],
    );
  },
);

s('a rendered release whose dashboard ConfigMap holds {{ }} is linted, not skipped', () => {
  const dir = project({
    'release.yaml':
      DEPLOY('web') +
      '---\n' +
      SERVICE('web', 'wbe') +
      '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: dash}\ndata:\n  d.json: \'{"legendFormat": "{{__name__}}"}\'\n',
  });
  const r = lintDir(dir);
  assert.equal(
    r.findings.map((f) => f.ruleId),
    ['service-selector-no-match'],
  );
});

s('editor and tool JSON (comments, trailing commas) is not a manifest: no parse error', () => {
  const dir = project({
    '.vscode/settings.json': '{ "a": 1, }\n',
    '.devcontainer/devcontainer.json': '{\n  // comment\n  "name": "x"\n}\n',
    'web/tsconfig.json': '{\n  /* c */ "compilerOptions": {},\n}\n',
    'dashboards/d.json': '{\n  // exported\n  "panels": [,]\n}\n',
    'app.yaml': DEPLOY('web') + '---\n' + SERVICE('web', 'web'),
  });
  const r = lintDir(dir);
  assert.equal(r.findings, []);
  assert.is(r.summary.objects, 2);
});

s("a kustomization's namespace applies to the files it lists, through bases, without apiVersion/kind", () => {
  const dir = project({
    'base/kustomization.yaml':
      'resources:\n  - deploy.yaml\n  - service.yaml\npatches:\n  - path: patch.yaml\n',
    'base/deploy.yaml': DEPLOY('web'),
    'base/service.yaml': SERVICE('web', 'web'),
    // A patch is a fragment: linted as an object it would be a Deployment without a selector.
    'base/patch.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n',
    'overlay/kustomization.yml': 'namespace: shop\nresources:\n  - ../base\n',
    // Written for the namespace the overlay builds into: it finds its Service there.
    'ingress.yaml':
      'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: web, port: {number: 80}}\n',
  });
  const r = lintDir(dir);
  assert.equal(
    r.findings.filter((f) => f.severity !== 'note').map((f) => `${f.ruleId} ${f.file}`),
    [],
  );
  // Without the overlay the objects stay in `default`, and the Ingress's backend is really missing there.
  const alone = lintDir(dir, ['base', 'ingress.yaml']);
  assert.ok(alone.findings.some((f) => f.ruleId === 'ingress-backend-missing'));
});

s(
  'kustomize: commonLabels reach selectors and templates; files the kustomization does not list are not built',
  () => {
    const dir = project({
      'config/kustomization.yaml':
        'namespace: system\ncommonLabels:\n  control-plane: manager\nresources:\n  - manager.yaml\n  - service.yaml\n# - manager_patch.yaml\n',
      // No selector: kustomize adds it from commonLabels, as kubebuilder layouts rely on.
      'config/manager.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: manager\nspec:\n  template:\n    spec:\n      containers:\n        - name: m\n          image: m\n          ports: [{containerPort: 8443, name: https}]\n',
      'config/service.yaml':
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: metrics\nspec:\n  selector: {}\n  ports: [{port: 8443, targetPort: https}]\n',
      // Listed by no kustomization (commented out): a fragment that is never applied.
      // In a sub-folder no kustomization lists: a workload without containers is a patch fragment.
      'config/patches/add_sa.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: manager\nspec:\n  template:\n    spec:\n      serviceAccountName: sa\n',
      'config/manager_patch.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: manager\nspec:\n  replicas: 2\n',
    });
    const r = lintDir(dir);
    assert.equal(
      r.findings.filter((f) => f.severity !== 'note').map((f) => `${f.ruleId} ${f.file}`),
      [],
    );
  },
);

s('kustomize: a strategic merge patch adds the container and port a Service targets', () => {
  const dir = project({
    'config/kustomization.yaml':
      'resources:\n  - manager.yaml\n  - service.yaml\npatchesStrategicMerge:\n  - auth_proxy_patch.yaml\n',
    'config/manager.yaml': DEPLOY('manager'),
    'config/service.yaml':
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: metrics\nspec:\n  selector: {app: manager}\n  ports: [{port: 8443, targetPort: https}]\n',
    'config/auth_proxy_patch.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: manager\nspec:\n  template:\n    spec:\n      containers:\n        - name: kube-rbac-proxy\n          image: proxy\n          ports: [{containerPort: 8443, name: https}]\n',
  });
  assert.equal(
    lintDir(dir).findings.map((f) => f.ruleId),
    [],
  );
  // Without the patch, the named port really is missing.
  const unpatched = project({
    'manager.yaml': DEPLOY('manager'),
    'service.yaml':
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: metrics\nspec:\n  selector: {app: manager}\n  ports: [{port: 8443, targetPort: https}]\n',
  });
  assert.ok(lintDir(unpatched).findings.some((f) => f.ruleId === 'service-target-port-missing'));
});

s('placeholders: defaults are used; an unresolved one gives one note instead of errors', () => {
  const dir = project({
    'app.yaml':
      DEPLOY('web') +
      '---\n' +
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - port: ${PORT}\n      targetPort: ${TARGET:=8080}\n',
  });
  const r = lintDir(dir);
  assert.equal(
    r.findings.map((f) => `${f.ruleId} ${f.severity}`),
    ['unresolved-placeholder note'],
  );
  assert.match(r.findings[0]!.message, /\$\{PORT\}/);
});

s(
  'a file of template markers with no structure is read in linear time (kill-timeout, not a timing assertion)',
  () => {
    const dir = project({ 'big.yaml': 'kind: ConfigMap\ndata:\n  a: ' + '{{ '.repeat(100_000) + '\n' });
    const r = runCli(['--no-config', '-f', 'json', 'big.yaml'], { cwd: dir, timeout: 60_000 });
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status} (killed by the timeout?)`);
  },
);

s.run();
