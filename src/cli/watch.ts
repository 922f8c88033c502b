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
export async function watchLoop(args: LintArgs, io: Io, run: () => Promise<number>): Promise<number> {
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
    watchers.push(
      watch(dir, { recursive }, (_event, name) => {
        const changed = name ? path.resolve(dir, name.toString()) : dir;
        if (
          IGNORED.test(changed) ||
          (output && (changed.startsWith(output) || isTempFileOf(output, changed)))
        )
          return;
        schedule();
      }),
    );
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
