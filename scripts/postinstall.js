#!/usr/bin/env node
// Builds dist/ after `npm install` in a checkout (where src/ and TypeScript are present), and does
// nothing in an installed package (which ships dist/). It runs at install rather than as `prepare`
// because `npm pack` must print nothing but the tarball name: pre-commit reads that name.
'use strict';
const { existsSync } = require('node:fs');
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (existsSync(path.join(root, 'src')) && existsSync(tsc)) {
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
}
