// The pre-commit hook for real: a git repository that uses this repository's hook refuses a commit
// with a broken manifest and accepts it once fixed. Needs Debian's pre-commit (.ci/run installs it).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, tempDir } from './helpers';

const p = suite('pre-commit hook');

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

const DEPLOY =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}}\n';
const INGRESS =
  'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  defaultBackend:\n    service: {name: web, port: {number: 80}}\n';
const SVC = (app: string) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: ${app}}\n  ports: [{port: 80}]\n`;

if (!which('pre-commit') || !existsSync(path.join(ROOT, '.git'))) {
  p('pre-commit', () => {
    console.log(
      '\n  SKIPPED: pre-commit hook test: the pre-commit command (or a git checkout) is missing; .ci/run installs it.',
    );
  });
} else {
  p(
    'a broken staged Service is refused; the fixed one is accepted; a Service change that breaks an Ingress in another file is refused',
    () => {
      const rev = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
      const dir = tempDir();
      // One cache for every run: pre-commit installs the hook's npm package once per revision.
      const env = {
        ...process.env,
        PRE_COMMIT_HOME: path.join(tmpdir(), 'kube-netlint-pre-commit-cache'),
        PRE_COMMIT_COLOR: 'never',
        NO_COLOR: '1',
        FORCE_COLOR: '0',
      };
      const sh = (cmd: string, ...args: string[]) =>
        spawnSync(cmd, args, { cwd: dir, env, encoding: 'utf8' });
      const must = (cmd: string, ...args: string[]) => {
        const r = sh(cmd, ...args);
        assert.is(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stdout}${r.stderr}`);
        return r;
      };
      must('git', 'init', '-q', '-b', 'main');
      must('git', 'config', 'user.email', 't@example.com');
      must('git', 'config', 'user.name', 't');
      writeFileSync(
        path.join(dir, '.pre-commit-config.yaml'),
        `repos:\n- repo: ${ROOT}\n  rev: ${rev}\n  hooks:\n  - id: kube-netlint\n    language_version: system\n`,
      );
      must('git', 'add', '.pre-commit-config.yaml');
      must('git', 'commit', '-qm', 'config');
      must('pre-commit', 'install');
      // The Deployment exists only in the working tree, never staged.
      writeFileSync(path.join(dir, 'deploy.yaml'), DEPLOY);
      writeFileSync(path.join(dir, 'service.yaml'), SVC('webb'));
      must('git', 'add', 'service.yaml');
      const refused = sh('git', 'commit', '-m', 'broken service');
      assert.is.not(refused.status, 0, 'the commit must be refused');
      const said = refused.stdout + refused.stderr;
      assert.match(said, /service\.yaml:5:13 {2}error {4}Service web selects app=webb/, said);
      assert.match(said, /service-selector-no-match/);
      writeFileSync(path.join(dir, 'service.yaml'), SVC('web'));
      must('git', 'add', 'service.yaml');
      const accepted = sh('git', 'commit', '-m', 'fixed service');
      assert.is(accepted.status, 0, accepted.stdout + accepted.stderr);
      // A good commit that adds an Ingress passes; then a Service port change, staged alone, breaks
      // the Ingress in another, unchanged file: refused, with the finding on the Ingress.
      writeFileSync(path.join(dir, 'ingress.yaml'), INGRESS);
      must('git', 'add', 'ingress.yaml', 'deploy.yaml');
      const good = sh('git', 'commit', '-m', 'ingress');
      assert.is(good.status, 0, good.stdout + good.stderr);
      writeFileSync(path.join(dir, 'service.yaml'), SVC('web').replace('port: 80', 'port: 8000'));
      must('git', 'add', 'service.yaml');
      const broke = sh('git', 'commit', '-m', 'port 8000');
      assert.is.not(broke.status, 0, 'the commit that breaks the Ingress must be refused');
      assert.match(broke.stdout + broke.stderr, /ingress\.yaml:6:\d+ +error +Ingress site → Service web:80/);
      assert.match(broke.stdout + broke.stderr, /ingress-backend-port-missing/);
    },
  );
}

p.run();
