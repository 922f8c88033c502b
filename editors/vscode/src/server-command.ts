// Which kube-netlint the extension runs, kept apart from the `vscode` API so it can be tested
// without an editor.
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export type ServerCommand =
  /** A command to execute: the configured one, or `kube-netlint` found on PATH. */
  | { kind: 'command'; command: string; args: string[] }
  /** The bundled package's launcher, run by the editor's own Node.js. */
  | { kind: 'module'; module: string; args: string[] };

const ARGS = ['lsp'];

function onPath(name: string, envPath: string | undefined): string | undefined {
  const exts = process.platform === 'win32' ? ['.cmd', '.exe', ''] : [''];
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * The configured command wins; then an installed `kube-netlint` (the one the project pins and its
 * CI runs, so editor and CI agree); then the copy bundled in the extension.
 */
export function serverCommand(
  configured: string | undefined,
  envPath: string | undefined,
  bundled: string | undefined,
): ServerCommand | undefined {
  if (configured) return { kind: 'command', command: configured, args: ARGS };
  const installed = onPath('kube-netlint', envPath);
  if (installed) return { kind: 'command', command: installed, args: ARGS };
  if (bundled && existsSync(bundled)) return { kind: 'module', module: bundled, args: ARGS };
  return undefined;
}
