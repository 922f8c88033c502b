// The package as users get it: `npm pack`, then `npm install -g` of the tarball into an empty prefix.
// No install script may run (npm 11 asks before running them, and scanners flag them); the command
// must work from what the tarball ships. The tarball is packed from a copy of what `files` lists,
// so packing does not rebuild the dist/ these tests run from.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, tempDir } from './helpers';

interface Pkg {
  version: string;
  license: string;
  files: string[];
  scripts: Record<string, string>;
  repository?: { url: string };
  bugs?: { url: string };
  keywords?: string[];
}

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Pkg;
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

const p = suite('package');

p('release metadata: Apache-2.0 LICENSE text, repository, bugs, keywords, no install script', () => {
  assert.is(pkg.license, 'Apache-2.0');
  const license = readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
  assert.match(license, /^\s*Apache License\s+Version 2\.0, January 2004/);
  assert.match(license, /END OF TERMS AND CONDITIONS/);
  assert.match(pkg.repository?.url ?? '', /github\.com\/kube-netlint\/kube-netlint/);
  assert.match(pkg.bugs?.url ?? '', /\/issues$/);
  assert.ok((pkg.keywords ?? []).includes('kubernetes'));
  for (const s of INSTALL_SCRIPTS) assert.not.ok(pkg.scripts[s], `package.json has a ${s} script`);
  assert.ok(pkg.scripts['prepare'], 'a checkout or a git install builds dist/ through prepare');
  assert.ok(existsSync(path.join(ROOT, 'CHANGELOG.md')));
  assert.match(
    readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8'),
    new RegExp(`^## \\[?${pkg.version}`, 'm'),
  );
});

p('npm pack prints only the tarball name; npm install -g of it runs no script; the command works', () => {
  const src = tempDir();
  for (const entry of [...pkg.files, 'package.json', '.npmrc', 'scripts']) {
    const from = path.join(ROOT, entry);
    if (existsSync(from)) cpSync(from, path.join(src, entry), { recursive: true });
  }
  const npm = (args: string[], cwd: string) =>
    spawnSync('npm', args, {
      cwd,
      encoding: 'utf8',
      timeout: 180_000,
      env: {
        ...process.env,
        npm_config_update_notifier: 'false',
        npm_config_fund: 'false',
        npm_config_audit: 'false',
      },
    });
  const packed = npm(['pack'], src);
  assert.is(packed.status, 0, packed.stderr);
  // pre-commit's node hooks read this line as the tarball's file name.
  assert.is(packed.stdout.trim(), `kube-netlint-${pkg.version}.tgz`);
  const tgz = path.join(src, packed.stdout.trim());
  const prefix = path.join(tempDir(), 'prefix');
  mkdirSync(prefix);
  const installed = npm(
    ['install', '-g', '--prefix', prefix, '--foreground-scripts', '--prefer-offline', tgz],
    tempDir(),
  );
  assert.is(installed.status, 0, installed.stdout + installed.stderr);
  assert.not.match(
    installed.stdout + installed.stderr,
    /> kube-netlint@[^\n]* (preinstall|install|postinstall|prepare)/,
  );
  const lib = path.join(prefix, 'lib', 'node_modules', 'kube-netlint');
  const shipped = JSON.parse(readFileSync(path.join(lib, 'package.json'), 'utf8')) as Pkg;
  for (const s of INSTALL_SCRIPTS) assert.not.ok(shipped.scripts[s]);
  assert.not.ok(existsSync(path.join(lib, 'src')), 'sources are not shipped');
  assert.ok(readdirSync(path.join(lib, 'dist', 'src')).length > 0);

  const bin = path.join(prefix, 'bin', 'kube-netlint');
  const run = (args: string[], cwd: string) =>
    spawnSync(bin, args, { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  const v = run(['--version'], src);
  assert.is(v.status, 0, v.stderr);
  assert.is(v.stdout.trim(), pkg.version);
  const rules = run(['rules'], src);
  assert.is(rules.status, 0, rules.stderr);
  assert.match(rules.stdout, /^service-selector-no-match +error/m);
  const dir = tempDir();
  writeFileSync(
    path.join(dir, 'app.yaml'),
    'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: webb}\n  ports: [{port: 80}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}}\n',
  );
  const lint = run(['.'], dir);
  assert.is(lint.status, 1, lint.stdout + lint.stderr);
  assert.match(lint.stdout, /app\.yaml:5:13 +error +Service web selects app=webb/);
});

p.run();
