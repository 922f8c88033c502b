// A language client for tests: spawns the real `kube-netlint lsp` and talks to it over its stdio
// with vscode-languageserver's own JSON-RPC connection.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
} from 'vscode-languageserver/node';
import { BIN, ROOT, tempDir } from './helpers';

export const LSP_WORKSPACE = path.join(ROOT, 'test', 'data', 'lsp-workspace');

/** A copy of the fixture workspace in a temporary folder (outside this repository and its config). */
export function workspaceCopy(): string {
  const dir = tempDir('kube-netlint-lsp-');
  cpSync(LSP_WORKSPACE, dir, { recursive: true });
  return dir;
}

export const uriOf = (abs: string): string => pathToFileURL(abs).href;

export class TestClient {
  readonly child: ChildProcess;
  readonly connection: ProtocolConnection;
  readonly diagnostics = new Map<string, Diagnostic[]>();
  private waiters: (() => void)[] = [];
  private versions = new Map<string, number>();
  stderr = '';
  exited: number | null | undefined;

  constructor(readonly root: string) {
    this.child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: root, stdio: 'pipe' });
    // A generous kill-timeout so a hung server cannot hang the test run; not an assertion on speed.
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 120_000);
    killer.unref();
    this.child.stderr?.on('data', (b: Buffer) => (this.stderr += b.toString()));
    this.child.on('exit', (code) => {
      this.exited = code;
      clearTimeout(killer);
      this.wake();
    });
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.child.stdout!),
      new StreamMessageWriter(this.child.stdin!),
    );
    this.connection.onNotification(
      'textDocument/publishDiagnostics',
      (p: { uri: string; diagnostics: Diagnostic[] }) => {
        this.diagnostics.set(p.uri, p.diagnostics);
        this.wake();
      },
    );
    this.connection.listen();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  async initialize(): Promise<void> {
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uriOf(this.root),
      workspaceFolders: [{ uri: uriOf(this.root), name: 'fixture' }],
      capabilities: {},
    });
    await this.connection.sendNotification('initialized', {});
  }

  /** Waits until the diagnostics satisfy `ok` (each publication is checked); fails if the server dies. */
  async until(what: string, ok: () => boolean): Promise<void> {
    while (!ok()) {
      if (this.exited !== undefined)
        throw new Error(`server exited (${this.exited}) waiting for ${what}: ${this.stderr}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  codes(file: string): string[] {
    return (this.diagnostics.get(uriOf(path.join(this.root, file))) ?? []).map((d) => String(d.code));
  }

  async open(file: string, text: string): Promise<void> {
    const uri = uriOf(path.join(this.root, file));
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version: 1, text },
    });
  }

  /** Replaces the whole buffer (unsaved). */
  async change(file: string, text: string): Promise<void> {
    const uri = uriOf(path.join(this.root, file));
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  async stop(): Promise<number | null | undefined> {
    if (this.exited === undefined) {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
      await this.until('exit', () => this.exited !== undefined);
    }
    this.connection.dispose();
    return this.exited;
  }
}
