#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI lives in dist/ (built by `npm install` through the prepare script).
// dist/src/cli.bundle.js is the same CLI as one file (esbuild, part of the build): a one-file run
// (the pre-commit case) then loads one module instead of about 320 (#22). It is used only when it
// is at least as new as the compiled sources, so a `tsc` without the bundle step never runs stale code.
const fs = require('node:fs');
const path = require('node:path');

function entry() {
  const dist = path.join(__dirname, '..', 'dist', 'src');
  const bundle = path.join(dist, 'cli.bundle.js');
  try {
    if (fs.statSync(bundle).mtimeMs >= fs.statSync(path.join(dist, 'cli', 'main.js')).mtimeMs) return bundle;
  } catch {
    // No bundle (built without dev dependencies) or no main.js: the plain require reports it.
  }
  return '../dist/src/cli/main.js';
}

let cli;
try {
  cli = require(entry());
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes('dist/src/cli/main')) {
    process.stderr.write(
      'kube-netlint: not built yet; run `npm install` (or `npm run build`) in the package folder\n',
    );
    process.exit(2);
  }
  throw e;
}
cli.installWarningPrinter();
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
