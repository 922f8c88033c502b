import * as path from 'node:path';
import { RULES } from '../../rules/index';
import { ConfigError, CONFIG_NAMES, findConfig, loadConfig } from '../config/load';
import { defaultConfig, type Config } from '../config/types';
import { lintLoaded, sourceRoot, type LintResult } from '../lint';
import { discover } from '../load/discover';
import { displayPath, loadBuffer, type LoadDiagnostic, type LoadResult } from '../load/index';
import { DEFAULT_LIMITS } from '../load/parse';
import { readBounded } from '../load/read';

/** One file as parsed: what `load` would have added to its result for it. */
interface Parsed {
  result: LoadResult;
}

/**
 * The model of one workspace folder: every manifest under it as the CLI would read it (the nearest
 * config, its ignores and context), with the text of open editor buffers in place of the file on
 * disk. Files are parsed once and kept; an edit re-parses only the edited file, then the model and
 * the rules run again over everything (cross-file findings need the whole input).
 */
export class Workspace {
  config: Config;
  /** Why the config file could not be used (the defaults are then); shown to the user once. */
  configError: string | undefined;
  /** Files discovered on disk, by absolute path. */
  private files = new Set<string>();
  private parsed = new Map<string, Parsed>();
  private buffers = new Map<string, string>();
  /** Buffers whose text changed since they were last parsed. */
  private dirty = new Set<string>();
  /** Notes about the folder itself (Helm charts, links out), from discovery. */
  private folderNotes: LoadDiagnostic[] = [];
  private order: string[] | undefined;

  /**
   * @param root the workspace folder
   * @param scanDisk false for a folder that holds only open buffers (a file opened outside every
   *   workspace folder): nothing else is read.
   */
  constructor(
    readonly root: string,
    private readonly scanDisk = true,
  ) {
    this.config = this.readConfig();
  }

  private readConfig(): Config {
    this.configError = undefined;
    const file = findConfig(this.root);
    if (!file) return defaultConfig(this.root);
    try {
      return loadConfig(file, new Set(RULES.map((r) => r.meta.id)));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      this.configError = e.message;
      return defaultConfig(this.root);
    }
  }

  /** True for a path this workspace answers for. */
  contains(abs: string): boolean {
    if (!this.scanDisk) return path.dirname(abs) === this.root;
    const rel = path.relative(this.root, abs);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  }

  isConfigFile(abs: string): boolean {
    return CONFIG_NAMES.includes(path.basename(abs)) && this.contains(abs);
  }

  /** Finds the files to lint, as the CLI does for `kube-netlint .` (with the config's context). */
  async scan(): Promise<void> {
    if (!this.scanDisk) return;
    const ignore = this.config.ignore.map((pattern) => ({ pattern, base: this.config.baseDir }));
    // As lint() does: the config's context stays inside the repository.
    const repo = sourceRoot(this.root);
    const context = this.config.context
      .map((c) => path.resolve(this.config.baseDir, c))
      .filter((abs) => !path.relative(repo, abs).startsWith('..'))
      .map((abs) => path.relative(this.root, abs) || '.');
    let found;
    try {
      found = await discover(['.', ...context], { cwd: this.root, ignore });
    } catch {
      // A context path that does not exist: the folder alone.
      found = await discover(['.'], { cwd: this.root, ignore });
    }
    const files = new Set(found.files);
    for (const abs of this.parsed.keys())
      if (!files.has(abs) && !this.buffers.has(abs)) this.parsed.delete(abs);
    this.files = files;
    this.order = undefined;
    this.folderNotes = found.charts.map((c) => ({
      kind: 'helm-template',
      file: displayPath(this.root, c),
      absPath: c,
      region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
      message: 'Helm chart: its templates are not manifests until rendered and were not linted.',
      severity: 'note',
    }));
  }

  /** Reloads the config and everything read under it (the config file changed). */
  async reload(): Promise<void> {
    this.config = this.readConfig();
    this.parsed.clear();
    await this.scan();
  }

  /** Whether findings are computed for this file: a discovered manifest, or an open buffer of one. */
  lints(abs: string): boolean {
    return this.files.has(abs) || (!this.scanDisk && this.buffers.has(abs));
  }

  /** An editor buffer's text replaces the file; parsed on the next `lint`. */
  setBuffer(abs: string, text: string): void {
    this.buffers.set(abs, text);
    this.dirty.add(abs);
    if (!this.scanDisk) this.order = undefined;
  }

  /** The buffer closed: the file on disk counts again. */
  closeBuffer(abs: string): void {
    this.buffers.delete(abs);
    this.parsed.delete(abs);
    this.dirty.delete(abs);
    this.order = undefined;
  }

  /** A file changed on disk (saved, created, deleted by another program). */
  fileChanged(abs: string): void {
    if (!this.buffers.has(abs)) this.parsed.delete(abs);
  }

  get openBuffers(): number {
    return this.buffers.size;
  }

  private parse(abs: string): Parsed {
    const result: LoadResult = { docs: [], diagnostics: [], files: [] };
    const display = displayPath(this.root, abs);
    const text = this.buffers.get(abs);
    if (text !== undefined) {
      loadBuffer(Buffer.from(text, 'utf8'), display, abs, DEFAULT_LIMITS, result);
      return { result };
    }
    try {
      const outcome = readBounded(abs, DEFAULT_LIMITS.maxFileBytes);
      if ('skip' in outcome) throw new Error(outcome.skip);
      loadBuffer(outcome.buf, display, abs, DEFAULT_LIMITS, result);
    } catch (e) {
      result.diagnostics.push({
        kind: 'parse-error',
        file: display,
        absPath: abs,
        region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
        message: `cannot read file: ${(e as Error).message}`,
      });
    }
    return { result };
  }

  private paths(): string[] {
    if (!this.order) {
      const all = new Set([...this.files, ...(this.scanDisk ? [] : this.buffers.keys())]);
      this.order = [...all].sort();
    }
    return this.order;
  }

  /** Re-parses what changed, then builds the model and runs the rules over the whole workspace. */
  lint(): LintResult {
    for (const abs of this.dirty) this.parsed.delete(abs);
    this.dirty.clear();
    const loaded: LoadResult = { docs: [], diagnostics: [...this.folderNotes], files: [], bytes: 0 };
    for (const abs of this.paths()) {
      let p = this.parsed.get(abs);
      if (!p) {
        p = this.parse(abs);
        this.parsed.set(abs, p);
      }
      for (const d of p.result.docs) loaded.docs.push(d);
      for (const d of p.result.diagnostics) loaded.diagnostics.push(d);
      for (const f of p.result.files) loaded.files.push(f);
    }
    return lintLoaded(loaded, { cwd: this.root, config: this.config });
  }
}
