// The VS Code extension (editors/vscode) cannot run in a real VS Code here: `npm run build` compiles
// it against @types/vscode and vscode-languageclient, and this checks its manifest and how it picks
// the server it launches.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, tempDir } from './helpers';

const t = suite('vscode extension');
const EXT = path.join(ROOT, 'editors', 'vscode');

interface Manifest {
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  dependencies: Record<string, string>;
}

t('the manifest points at the compiled extension and the client the root lockfile pins', () => {
  const manifest = JSON.parse(readFileSync(path.join(EXT, 'package.json'), 'utf8')) as Manifest;
  // Compiled by `npm run build` (tsc -p editors/vscode): main must exist.
  readFileSync(path.join(EXT, manifest.main), 'utf8');
  assert.ok(manifest.activationEvents.includes('onLanguage:yaml'));
  const root = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  assert.equal(manifest.dependencies['vscode-languageclient'], root.devDependencies['vscode-languageclient']);
  assert.equal(manifest.dependencies['kube-netlint'], 'file:../..');
});

t('server command: the setting, else kube-netlint on PATH, else the bundled launcher', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { serverCommand } = require(path.join(EXT, 'out', 'server-command.js')) as {
    serverCommand: (c: string | undefined, p: string | undefined, b: string | undefined) => unknown;
  };
  const dir = tempDir();
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  const installed = path.join(bin, 'kube-netlint');
  writeFileSync(installed, '#!/bin/sh\n');
  chmodSync(installed, 0o755);
  const bundled = path.join(ROOT, 'bin', 'kube-netlint.js');
  assert.equal(serverCommand('/opt/knl', bin, bundled), {
    kind: 'command',
    command: '/opt/knl',
    args: ['lsp'],
  });
  assert.equal(serverCommand('', bin, bundled), { kind: 'command', command: installed, args: ['lsp'] });
  assert.equal(serverCommand(undefined, path.join(dir, 'none'), bundled), {
    kind: 'module',
    module: bundled,
    args: ['lsp'],
  });
  assert.equal(serverCommand(undefined, '', path.join(dir, 'missing.js')), undefined);
});

t.run();
