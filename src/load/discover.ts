import { existsSync, promises as fs, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import fg from 'fast-glob';
import { glob, GlobError, type Glob } from '../util/glob';

export const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];
const ALWAYS_SKIPPED_DIRS = new Set(['node_modules', '.git']);

export class UsageError extends Error {}

export interface DiscoverOptions {
  cwd: string;
  /** Ignore globs, each relative to its own base directory. */
  ignore: { pattern: string; base: string }[];
}

export interface Discovered {
  /** Absolute paths, sorted, without duplicates. */
  files: string[];
  stdin: boolean;
  /** Symbolic links not followed because they lead out of the folder named; absolute paths, sorted. */
  linksOut: string[];
  /**
   * Helm charts met on the way (absolute paths of their `Chart.yaml`), sorted. Their `templates/`
   * are not manifests until rendered and are not in `files`.
   */
  charts: string[];
}

/**
 * Files and folders that hold no Kubernetes objects in any repository (editor, dev-container and
 * JavaScript tool settings, some of them JSON with comments): skipped by a directory walk. A file
 * named on the command line is still read.
 */
const NON_MANIFEST_DIRS = new Set(['.vscode', '.idea', '.devcontainer']);
const NON_MANIFEST_FILES =
  /^(package(-lock)?\.json|[jt]sconfig(\..*)?\.json|devcontainer\.json|\.?babel(rc|\.config)\.json|\.eslintrc\.json|\.prettierrc(\.json)?|renovate\.json|composer\.json|lerna\.json|turbo\.json|nx\.json|\.pre-commit-(config|hooks)\.ya?ml)$/i;

/** A Helm chart's folder holds `Chart.yaml` (the name Helm requires); its templates are not manifests. */
const CHART_FILE = 'Chart.yaml';

/**
 * The chart whose `templates/` folder holds this file, if any: a file named on the command line
 * (a pre-commit hook passes staged files) is a chart template as much as a walked one.
 */
function chartOf(abs: string): string | undefined {
  for (let dir = path.dirname(abs); ;) {
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    if (path.basename(dir) === 'templates' && existsSync(path.join(parent, CHART_FILE)))
      return path.join(parent, CHART_FILE);
    dir = parent;
  }
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function compiled(pattern: string): Glob {
  try {
    return glob(pattern);
  } catch (e) {
    if (e instanceof GlobError) throw new UsageError(`ignore pattern '${pattern}': ${e.message}`);
    throw e;
  }
}

/** Ignore globs are matched by util/glob, in linear time: names and patterns may both be hostile. */
function isIgnored(abs: string, opts: DiscoverOptions, isDir: boolean): boolean {
  for (const { pattern, base } of opts.ignore) {
    const rel = toPosix(path.relative(base, abs));
    if (rel.startsWith('../') || rel === '..') continue;
    const g = compiled(pattern);
    if (g.match(rel)) return true;
    if (isDir && g.match(rel + '/')) return true;
  }
  return false;
}

function hasManifestExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return MANIFEST_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * Walks a directory. We walk ourselves instead of asking fast-glob so that symlinked directories
 * are followed exactly once: a link back to an ancestor (a loop) is skipped by comparing real paths,
 * rather than descending until the path is too long. Only links cost a realpath call; a plain
 * subdirectory's real path is its parent's plus its name. Synchronous calls: nothing else runs
 * meanwhile, and they are several times faster than promises for thousands of small directories.
 */
interface Walk {
  opts: DiscoverOptions;
  out: Set<string>;
  seen: Set<string>;
  linksOut: Set<string>;
  charts: Set<string>;
  /** Real path of the folder named on the command line: links never lead out of it. */
  root: string;
}

function walk(dir: string, real: string, w: Walk): void {
  const { opts, out, seen } = w;
  if (seen.has(real)) return;
  seen.add(real);
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // unreadable directory: skipped like an empty one
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const isChart = entries.some((e) => e.name === CHART_FILE && !e.isDirectory());
  if (isChart) w.charts.add(path.join(dir, CHART_FILE));
  for (const entry of entries) {
    const abs = path.join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    let childReal = path.join(real, entry.name);
    if (entry.isSymbolicLink()) {
      try {
        const st = statSync(abs);
        isDir = st.isDirectory();
        isFile = st.isFile();
        childReal = realpathSync(abs);
      } catch {
        continue; // dangling link or a link to itself (ELOOP)
      }
      // A repository can link to any file of the machine it is checked out on (~/.kube/config,
      // /etc): a link is followed only while it stays inside the folder named. Name its target to
      // lint it.
      if ((isDir || (isFile && hasManifestExtension(entry.name))) && !isInside(w.root, childReal)) {
        if (!isIgnored(abs, opts, isDir)) w.linksOut.add(abs);
        continue;
      }
    }
    if (isDir) {
      if (ALWAYS_SKIPPED_DIRS.has(entry.name) || NON_MANIFEST_DIRS.has(entry.name)) continue;
      if (isChart && entry.name === 'templates') continue;
      if (isIgnored(abs, opts, true)) continue;
      walk(abs, childReal, w);
    } else if (
      isFile &&
      hasManifestExtension(entry.name) &&
      !NON_MANIFEST_FILES.test(entry.name) &&
      !isIgnored(abs, opts, false)
    ) {
      out.add(abs);
    }
  }
}

const GLOB_CHARS = /[*?[\]{}!]/;

/** Expands command-line inputs (files, directories, globs, `-`) into files to lint. */
export async function discover(inputs: readonly string[], opts: DiscoverOptions): Promise<Discovered> {
  const found = new Set<string>();
  const seenDirs = new Set<string>();
  const linksOut = new Set<string>();
  const charts = new Set<string>();
  let stdin = false;
  for (const input of inputs.length ? inputs : ['.']) {
    if (input === '-') {
      stdin = true;
      continue;
    }
    const abs = path.resolve(opts.cwd, input);
    let stat: import('node:fs').Stats | undefined;
    try {
      stat = await fs.stat(abs);
    } catch {
      stat = undefined;
    }
    if (stat?.isDirectory()) {
      const chart = chartOf(path.join(abs, '_'));
      const real = realpathSync(abs);
      if (chart) charts.add(chart);
      else walk(abs, real, { opts, out: found, seen: seenDirs, linksOut, charts, root: real });
    } else if (stat) {
      // A file named explicitly is linted whatever its extension (and even if an ignore glob
      // matches it: naming it is a stronger statement than a glob), as ESLint does for files.
      const chart = chartOf(abs);
      if (chart) charts.add(chart);
      else found.add(abs);
    } else if (GLOB_CHARS.test(input)) {
      const matches = await fg(toPosix(input), {
        cwd: opts.cwd,
        absolute: true,
        onlyFiles: true,
        dot: true,
        followSymbolicLinks: false,
        // The pattern is the user's, the names the repository's: no exponential extglobs.
        extglob: false,
        suppressErrors: true,
        ignore: ['**/node_modules/**', '**/.git/**'],
      });
      if (matches.length === 0) throw new UsageError(`no files match the pattern '${input}'`);
      const base = realpathSync(opts.cwd);
      for (const m of matches) {
        const file = path.normalize(m);
        if (isIgnored(file, opts, false)) continue;
        // A match may be a link the repository planted: followed only inside the working folder.
        let real: string;
        try {
          real = realpathSync(file);
        } catch {
          continue;
        }
        const chart = chartOf(file);
        if (chart) charts.add(chart);
        else if (isInside(base, real)) found.add(file);
        else linksOut.add(file);
      }
    } else {
      throw new UsageError(`no such file or directory: '${input}'`);
    }
  }
  return { files: [...found].sort(), stdin, linksOut: [...linksOut].sort(), charts: [...charts].sort() };
}
