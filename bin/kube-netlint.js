#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI lives in dist/ (built by `npm install` through the prepare script).
let cli;
try {
  cli = require('../dist/src/cli/main.js');
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
