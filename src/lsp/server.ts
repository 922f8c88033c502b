import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  createConnection,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { MANIFEST_EXTENSIONS } from '../load/discover';
import { safeLines } from '../report/safe-text';
import { codeActions } from './code-actions';
import { diagnosticsByFile, fileUri } from './diagnostics';
import { Workspace } from './workspace';
import { Navigator } from './navigate';
import type { LintResult } from '../lint';

/** Edits arrive per keystroke: lint when typing pauses this long. */
export const DEBOUNCE_MS = 120;

/** A workspace with its lint state: one run at a time, the diagnostics last published per file. */
class Session {
  ready: Promise<void>;
  result: LintResult | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private published = new Map<string, string>();
  private warnedConfig: string | undefined;

  constructor(
    readonly ws: Workspace,
    private readonly connection: Connection,
    private readonly debounceMs = DEBOUNCE_MS,
  ) {
    this.ready = ws.scan().catch((e: unknown) => this.log(e));
  }

  private log(e: unknown): void {
    this.connection.console.error(`kube-netlint: ${safeLines((e as Error).message ?? String(e))}`);
  }

  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, this.debounceMs);
  }

  /** Lints now unless a run is under way (it is then repeated after); resolves when linted. */
  async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      await this.ready;
      do {
        this.again = false;
        this.lintAndPublish();
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Brings the result up to date before a request that reads it (code actions, hover). */
  async current(): Promise<LintResult | undefined> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      await this.run();
    } else if (this.running) await this.running;
    else if (!this.result) await this.run();
    return this.result;
  }

  private lintAndPublish(): void {
    if (this.ws.configError && this.ws.configError !== this.warnedConfig) {
      this.warnedConfig = this.ws.configError;
      void this.connection.window.showWarningMessage(
        `kube-netlint: ${safeLines(this.ws.configError)}; linting with the default settings`,
      );
    }
    let result: LintResult;
    try {
      result = this.ws.lint();
    } catch (e) {
      // Never down: the previous diagnostics stay until a run succeeds.
      this.log(e);
      return;
    }
    this.result = result;
    const byFile = diagnosticsByFile(result.findings);
    for (const [abs, diagnostics] of byFile) {
      const key = JSON.stringify(diagnostics);
      if (this.published.get(abs) === key) continue;
      this.published.set(abs, key);
      void this.connection.sendDiagnostics({ uri: fileUri(abs), diagnostics });
    }
    for (const abs of [...this.published.keys()]) {
      if (byFile.has(abs)) continue;
      this.published.delete(abs);
      void this.connection.sendDiagnostics({ uri: fileUri(abs), diagnostics: [] });
    }
  }

  async reload(): Promise<void> {
    await this.ready;
    this.ready = this.ws.reload().catch((e: unknown) => this.log(e));
    this.schedule();
  }

  async rescan(): Promise<void> {
    await this.ready;
    this.ready = this.ws.scan().catch((e: unknown) => this.log(e));
    await this.ready;
  }
}

function rootsOf(params: InitializeParams): string[] {
  const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  const roots = uris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
  if (!roots.length && params.rootPath) roots.push(params.rootPath);
  return roots;
}

function pathOf(uri: string): string | undefined {
  return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
}

/** Runs the language server on standard input and output until the client says exit. */
export function runLanguageServer(): Promise<number> {
  const connection = createConnection(
    new StreamMessageReader(process.stdin),
    new StreamMessageWriter(process.stdout),
  );
  const documents = new TextDocuments(TextDocument);
  const sessions: Session[] = [];
  let watchFiles = false;
  let debounceMs = DEBOUNCE_MS;

  /** The session of the deepest workspace folder holding the file; a folder of its own otherwise. */
  const sessionOf = (abs: string): Session => {
    let best: Session | undefined;
    for (const s of sessions)
      if (s.ws.contains(abs) && (!best || s.ws.root.length > best.ws.root.length)) best = s;
    if (best) return best;
    const loose = new Session(new Workspace(path.dirname(abs), false), connection, debounceMs);
    sessions.push(loose);
    return loose;
  };

  const isManifest = (abs: string): boolean => MANIFEST_EXTENSIONS.includes(path.extname(abs).toLowerCase());

  connection.onInitialize((params) => {
    // `debounceMs` in initializationOptions: the benchmark measures lint latency without the pause.
    const asked = (params.initializationOptions as { debounceMs?: unknown } | undefined)?.debounceMs;
    if (typeof asked === 'number' && asked >= 0 && asked <= 10_000) debounceMs = asked;
    for (const root of rootsOf(params))
      sessions.push(new Session(new Workspace(root), connection, debounceMs));
    watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
      },
      serverInfo: { name: 'kube-netlint' },
    };
  });

  connection.onInitialized(() => {
    if (watchFiles)
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{yaml,yml,json}' }],
      });
    for (const s of sessions) s.schedule();
  });

  documents.onDidChangeContent(async (change) => {
    const abs = pathOf(change.document.uri);
    if (!abs || !isManifest(abs)) return;
    const s = sessionOf(abs);
    s.ws.setBuffer(abs, change.document.getText());
    // A file created since the folder was scanned: find it (ignore globs apply as on the CLI).
    if (!s.ws.lints(abs)) await s.rescan();
    s.schedule();
  });

  documents.onDidClose((e) => {
    const abs = pathOf(e.document.uri);
    if (!abs || !isManifest(abs)) return;
    const s = sessionOf(abs);
    s.ws.closeBuffer(abs);
    s.schedule();
  });

  documents.onDidSave((e) => {
    const abs = pathOf(e.document.uri);
    if (!abs) return;
    for (const s of sessions) if (s.ws.isConfigFile(abs)) void s.reload();
  });

  connection.onDidChangeWatchedFiles(async (params) => {
    for (const change of params.changes) {
      const abs = pathOf(change.uri);
      if (!abs) continue;
      for (const s of sessions) {
        if (!s.ws.contains(abs)) continue;
        if (s.ws.isConfigFile(abs)) {
          await s.reload();
          continue;
        }
        s.ws.fileChanged(abs);
        if (change.type !== FileChangeType.Changed) await s.rescan();
        s.schedule();
      }
    }
  });

  connection.onCodeAction(async (params) => {
    const abs = pathOf(params.textDocument.uri);
    if (!abs) return [];
    const result = await sessionOf(abs).current();
    const text = documents.get(params.textDocument.uri)?.getText() ?? '';
    const byId = new Map(result?.model.objects.map((o) => [o.id, o]) ?? []);
    return codeActions(params.textDocument.uri, text, params.context.diagnostics, (id) => byId.get(id));
  });

  const navigator = async (uri: string): Promise<Navigator | undefined> => {
    const abs = pathOf(uri);
    if (!abs) return undefined;
    const result = await sessionOf(abs).current();
    return result ? new Navigator(result.model, abs) : undefined;
  };
  connection.onHover(async (p) => (await navigator(p.textDocument.uri))?.hover(p.position) ?? null);
  connection.onDefinition(async (p) => (await navigator(p.textDocument.uri))?.definition(p.position) ?? null);
  connection.onReferences(async (p) => (await navigator(p.textDocument.uri))?.references(p.position) ?? null);

  documents.listen(connection);
  return new Promise<number>((resolve) => {
    let shutdown = false;
    connection.onShutdown(() => {
      shutdown = true;
    });
    connection.onExit(() => resolve(shutdown ? 0 : 1));
    connection.listen();
  });
}
