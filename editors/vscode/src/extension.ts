// The VS Code side of `kube-netlint lsp`: starts the server and lets vscode-languageclient do the
// rest (diagnostics, code actions, hover, definition, references).
import * as path from 'node:path';
import { window, workspace, type ExtensionContext } from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { serverCommand } from './server-command';

let client: LanguageClient | undefined;

/** The launcher of the kube-netlint package installed with the extension, if any. */
function bundledLauncher(context: ExtensionContext): string | undefined {
  try {
    const pkg = require.resolve('kube-netlint/package.json', { paths: [context.extensionPath] });
    return path.join(path.dirname(pkg), 'bin', 'kube-netlint.js');
  } catch {
    return undefined;
  }
}

export async function activate(context: ExtensionContext): Promise<void> {
  const configured = workspace.getConfiguration('kubeNetlint').get<string>('path');
  const cmd = serverCommand(configured, process.env['PATH'], bundledLauncher(context));
  if (!cmd) {
    void window.showErrorMessage(
      'kube-netlint: no kube-netlint found. Install it (npm install -g kube-netlint) or set kubeNetlint.path.',
    );
    return;
  }
  const server: ServerOptions =
    cmd.kind === 'command'
      ? { command: cmd.command, args: cmd.args, transport: TransportKind.stdio }
      : { module: cmd.module, args: cmd.args, transport: TransportKind.stdio };
  const options: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'json' },
    ],
    // Files changed by other programs (git checkout, a generator) reach the server's model too.
    synchronize: { fileEvents: workspace.createFileSystemWatcher('**/*.{yaml,yml,json}') },
  };
  client = new LanguageClient('kubeNetlint', 'kube-netlint', server, options);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
