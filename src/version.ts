import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The package root: dist/src/version.js sits two levels below it. */
export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

interface PackageJson {
  version: string;
  homepage?: string;
}

let cached: PackageJson | undefined;

function pkg(): PackageJson {
  cached ??= JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as PackageJson;
  return cached;
}

export function version(): string {
  return pkg().version;
}

/** Where rule docs are published, for SARIF helpUri: `<homepage>/blob/main/docs/rules`. */
export function rulesDocBase(): string | undefined {
  const home = pkg().homepage?.replace(/#.*$/, '').replace(/\/$/, '');
  return home ? `${home}/blob/main/docs/rules` : undefined;
}
