// The GitHub runner's reading of a step's stdout and stderr, replayed: which workflow commands would
// a log issue? Modelled on actions/runner (src/Runner.Common/ActionCommand.cs, TryParseV2 then
// TryParse; ProcessInvoker reads lines with .NET ReadLine, which ends a line at LF, CR or CRLF).

const REGISTERED = new Set([
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'stop-commands',
  'warning',
  'internal-set-repo-path',
]);

export interface RunnerCommand {
  command: string;
  line: string;
}

function v2(line: string): string | undefined {
  const m = line.trimStart();
  if (!m.startsWith('::')) return undefined;
  const end = m.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = m.slice(2, end);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  return REGISTERED.has(name) ? name : undefined;
}

function legacy(line: string): string | undefined {
  const at = line.indexOf('##[');
  if (at < 0) return undefined;
  const rb = line.indexOf(']', at);
  if (rb < 0) return undefined;
  const info = line.slice(at + 3, rb);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  return REGISTERED.has(name) ? name : undefined;
}

/** Every workflow command the runner would read in `stream`. */
export function runnerCommands(stream: string): RunnerCommand[] {
  const out: RunnerCommand[] = [];
  for (const line of stream.split(/\r\n|\r|\n/)) {
    const command = v2(line) ?? legacy(line);
    if (command) out.push({ command, line });
  }
  return out;
}
