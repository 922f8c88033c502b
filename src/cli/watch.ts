import { watch, type FSWatcher } from 'node:fs';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { safeLines } from '../report/safe-text';
import { isTempFileOf } from '../util/safe-write';
import type { LintArgs } from './args';
import type { Io } from './main';

const DEBOUNCE_MS = 150;
const IGNORED = /(^|[/\\])(node_modules|\.git)([/\\]|$)/;

/**
 * Lints, then lints again after inputs change, until interrupted. Editors save in bursts (write a
 * temp file, rename, touch): changes are debounced into one run, and a run that fails (a file
 * caught mid-save) is reported and the loop goes on.
 */
export async function watchLoop(
  args: LintArgs,
  io: Io,
  run: () => Promise<number>,
  watchImpl: typeof watch = watch,
): Promise<number> {
  const targets = [...(args.paths.length ? args.paths : ['.']), ...args.context].map((p) =>
    path.resolve(io.cwd, p),
  );
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const once = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      // The start of each run, for editors that read the output (a VS Code background problem
      // matcher clears its problems on this line and takes the next report's).
      io.stderr('kube-netlint: linting\n');
      const code = await run();
      io.stderr(
        `kube-netlint: linted at ${new Date().toLocaleTimeString()} (exit ${code}); watching for changes\n`,
      );
    } catch (e) {
      io.stderr(`kube-netlint: ${safeLines((e as Error).message)}; watching for changes\n`);
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void once(), DEBOUNCE_MS);
  };
  const output = args.output ? path.resolve(io.cwd, args.output) : undefined;
  for (const target of targets) {
    let dir = target;
    let recursive = true;
    try {
      if (!statSync(target).isDirectory()) {
        dir = path.dirname(target);
        recursive = false;
      }
    } catch {
      continue; // a glob or a vanished path: its folder is watched through the others
    }
    // A watcher can fail at any time (a folder removed or unreadable, the system's limit of watches
    // reached): say so in one line and go on with the others, rather than die on the error event.
    const failed = (e: unknown): void => {
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      io.stderr(
        `kube-netlint: cannot watch ${safeLines(dir)}: ${safeLines(String(why))}; still watching the rest\n`,
      );
    };
    let watcher: FSWatcher;
    try {
      watcher = watchImpl(dir, { recursive }, (_event, name) => {
        const changed = name ? path.resolve(dir, name.toString()) : dir;
        if (
          IGNORED.test(changed) ||
          (output && (changed.startsWith(output) || isTempFileOf(output, changed)))
        )
          return;
        schedule();
      });
    } catch (e) {
      failed(e);
      continue;
    }
    watcher.on('error', (e) => {
      failed(e);
      watcher.close();
      schedule();
    });
    watchers.push(watcher);
  }
  await once();
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      for (const w of watchers) w.close();
      if (timer) clearTimeout(timer);
      resolve(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
