#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI lives in dist/ (built by `npm install` through the prepare script).
// dist/src/cli.bundle.js is the same CLI as one file (esbuild, part of the build): a one-file run
// (the pre-commit case) then loads one module instead of about 320 (#22). It is used only when it
// is at least as new as the compiled sources, so a `tsc` without the bundle step never runs stale code.
// dist/src/cli.bundle.cache is V8's code cache for it, made by the build: compiling the bundle is
// most of what is left of start-up. V8 checks the cache itself and ignores one it cannot use
// (another Node version, other flags, a damaged file); we use it only when not older than the bundle.
const fs = require('node:fs');
const path = require('node:path');

// V8 doubles the young generation's semi-spaces (up to 16 MB each) whenever many objects survive a
// scavenge, as the parsed values and the model do; that space is then resident for the rest of the
// run. Keeping it at its initial size, measured on the benchmark's repositories (#22): peak RSS at
// 50k documents 232 -> 217 MB, at 10k 122 -> 101 MB; CPU time unchanged at 50k, +4% at 10k (medians
// of 3 and 5 runs). V8 reads this flag each time it would grow the space, so setting it here, after
// start-up, takes effect (--max-semi-space-size would not: it is fixed when the heap is set up).
// A user who sizes the young generation (node flags, NODE_OPTIONS) keeps their choice.
// Set only after the bundle is compiled: V8 accepts a code cache only under the flags it was made
// with, and a changed flag made it reject the cache (start-up 1.6x -> 2.8x `node -e 0`).
function keepYoungGenerationSmall() {
  if (!/semi[-_]space/.test(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`))
    require('node:v8').setFlagsFromString('--semi-space-growth-factor=1');
}

const dist = path.join(__dirname, '..', 'dist', 'src');
const mtime = (file) => {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
};

/** The bundle run as Node runs a CommonJS module, with the code cache when there is a current one. */
function loadBundle(bundle) {
  const vm = require('node:vm');
  const Module = require('node:module');
  const cacheFile = path.join(dist, 'cli.bundle.cache');
  let cachedData;
  try {
    if (mtime(cacheFile) >= mtime(bundle)) cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, 'utf8')), {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
  });
  keepYoungGenerationSmall();
  if (process.env.KUBE_NETLINT_TIMING && script.cachedDataRejected)
    process.stderr.write('kube-netlint: the code cache was rejected\n');
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, Module.createRequire(bundle), mod, bundle, dist);
  return mod.exports;
}

let cli;
try {
  const bundle = path.join(dist, 'cli.bundle.js');
  const main = mtime(path.join(dist, 'cli', 'main.js'));
  if (main >= 0 && mtime(bundle) >= main) cli = loadBundle(bundle);
  else {
    keepYoungGenerationSmall();
    cli = require('../dist/src/cli/main.js');
  }
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
