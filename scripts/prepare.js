#!/usr/bin/env node
// `prepare`: builds dist/ after `npm install` in a checkout and before `npm pack`. npm runs it for a
// checkout and for an install from git (pre-commit installs hooks that way: `npm install` in the
// clone, then `npm pack`, then `npm install -g` of the tarball), but never when the published
// tarball is installed: the tarball ships dist/ and has no install script at all.
// It does nothing where src/ or TypeScript is missing (an install without dev dependencies).
'use strict';
const { existsSync } = require('node:fs');
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (existsSync(path.join(root, 'src')) && existsSync(tsc)) {
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(__dirname, 'bundle-cli.js')], { stdio: 'inherit' });
}
