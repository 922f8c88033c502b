import * as path from 'node:path';
// Imported, not read at run time: the GitHub Action bundle carries it inside, and tsc copies it
// next to the compiled sources.
import pkg from '../package.json';

/** The package root: dist/src/version.js sits two levels below it (tests and docs use it). */
export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

export function version(): string {
  return pkg.version;
}

/** Where rule docs are published, for SARIF helpUri: `<homepage>/blob/main/docs/rules`. */
export function rulesDocBase(): string | undefined {
  const home = pkg.homepage.replace(/#.*$/, '').replace(/\/$/, '');
  return home ? `${home}/blob/main/docs/rules` : undefined;
}
