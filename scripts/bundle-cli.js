#!/usr/bin/env node
// The CLI as one file, dist/src/cli.bundle.js, for start-up time (#22): Node resolves, reads and
// compiles one module instead of about 320. bin/kube-netlint.js uses it when it is at least as new
// as dist/src/cli/main.js. It sits in dist/src/ so that paths computed from __dirname (version.ts)
// are the same as in the compiled sources. Then V8's code cache for it, dist/src/cli.bundle.cache,
// made by linting a small sample in a fresh process so that the functions a run needs are compiled
// (see scripts/code-cache.js). Without esbuild (no dev dependencies) it does nothing: the launcher
// then loads the compiled sources.
'use strict';
const { existsSync, rmSync } = require('node:fs');
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
let esbuild;
try {
  esbuild = require('esbuild');
} catch {
  process.exit(0);
}
if (!existsSync(path.join(root, 'src', 'cli', 'main.ts'))) process.exit(0);
const outfile = path.join(root, 'dist', 'src', 'cli.bundle.js');
rmSync(path.join(root, 'dist', 'src', 'cli.bundle.cache'), { force: true });
esbuild.buildSync({
  entryPoints: [path.join(root, 'src', 'cli', 'main.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  outfile,
  legalComments: 'none',
  // The language server's libraries load only for `kube-netlint lsp` (a lazy require): kept out of the
  // bundle so a lint run does not read them; resolved from node_modules when the server starts.
  external: ['vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageserver-textdocument'],
  logLevel: 'warning',
});
// The parse worker (#22) as a second file next to the CLI's: a worker thread loads one module too.
// src/load/pool.ts looks for it beside itself, which in the bundle is dist/src/.
esbuild.buildSync({
  entryPoints: [path.join(root, 'src', 'load', 'parse-worker.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  outfile: path.join(root, 'dist', 'src', 'parse-worker.bundle.js'),
  legalComments: 'none',
  logLevel: 'warning',
});
execFileSync(process.execPath, [path.join(__dirname, 'code-cache.js'), outfile], { stdio: 'inherit' });
