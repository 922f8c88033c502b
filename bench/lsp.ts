// `kube-netlint lsp` on a generated workspace, over its stdio as an editor drives it: the time from
// a one-line edit of an unsaved buffer to the diagnostics it changes, and the server's memory
// across many edits. Figures are printed, never asserted.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver/node';

/** A Service file of the generated repository, and the end of the selector value an edit toggles. */
function serviceFile(dir: string): { file: string; text: string; at: number } | undefined {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const found = serviceFile(p);
      if (found) return found;
    } else if (/\.ya?ml$/.test(e.name)) {
      const text = readFileSync(p, 'utf8');
      const svc = text.indexOf('kind: Service\n');
      const m =
        svc < 0 ? null : /\n {2}selector:\n {4}app\.kubernetes\.io\/name: [^\n]+/.exec(text.slice(svc));
      if (m) return { file: p, text, at: svc + m.index + m[0].length };
    }
  }
  return undefined;
}

function rssMiB(pid: number | undefined): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

interface Server {
  connection: ProtocolConnection;
  pid: number | undefined;
  /** Resolves on the next diagnostics published for `uri`. */
  nextPublish(uri: string): Promise<void>;
  stop(): Promise<void>;
}

async function startServer(bin: string, root: string): Promise<Server> {
  const child = spawn(process.execPath, [bin, 'lsp'], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const waiting = new Map<string, () => void>();
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string }) => {
    const w = waiting.get(p.uri);
    waiting.delete(p.uri);
    w?.();
  });
  connection.listen();
  const uri = pathToFileURL(root).href;
  // No debounce: the figure is the server's work; an editor's pause (120 ms by default) adds to it.
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: uri,
    workspaceFolders: [{ uri, name: 'bench' }],
    capabilities: {},
    initializationOptions: { debounceMs: 0 },
  });
  await connection.sendNotification('initialized', {});
  return {
    connection,
    pid: child.pid,
    nextPublish: (u) => new Promise<void>((resolve) => waiting.set(u, resolve)),
    stop: async () => {
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      connection.dispose();
    },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/**
 * Opens a Service in the workspace and edits its selector back and forth `edits` times (each edit
 * adds or clears a finding, so each is answered by a publication); prints the latency and memory.
 */
export async function lspBench(bin: string, label: string, dir: string, edits: number): Promise<string> {
  const svc = serviceFile(dir);
  if (!svc) return `${label}: no Service file found`;
  const t0 = performance.now();
  const server = await startServer(bin, dir);
  const uri = pathToFileURL(svc.file).href;
  await server.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'yaml', version: 1, text: svc.text },
  });
  // A request that reads the lint result is answered once the first lint is done (the file may
  // have no findings, and then nothing is published for it).
  await server.connection.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line: 0, character: 0 },
  });
  const first = performance.now() - t0;
  const rss0 = rssMiB(server.pid);
  const times: number[] = [];
  const rss: string[] = [];
  for (let i = 1; i <= edits; i++) {
    const text = i % 2 ? `${svc.text.slice(0, svc.at)}-typo${svc.text.slice(svc.at)}` : svc.text;
    const published = server.nextPublish(uri);
    const t = performance.now();
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: i + 1 },
      contentChanges: [{ text }],
    });
    await published;
    times.push(performance.now() - t);
    if (i === 100 || i === edits) rss.push(`${rssMiB(server.pid).toFixed(0)} MiB after ${i}`);
  }
  await server.stop();
  return (
    `${label}: first diagnostics ${first.toFixed(0)} ms (start, scan, lint); one-line edit → diagnostics: ` +
    `median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms over ${edits} edits; ` +
    `RSS ${rss0.toFixed(0)} MiB at start, ${rss.join(', ')}`
  );
}
