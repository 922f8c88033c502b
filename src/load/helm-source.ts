import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { readChartName } from './chart';
import { walkFolders } from './folders';

// `helm template` names each document's template as `<chart name>/templates/x.yaml`, whatever the
// folder the chart lives in (often charts/<name>/ or deploy/helm/). These map that name back to a
// file in the working tree, so findings and annotations point at a file that exists.

/** Folders under `root` holding a Chart.yaml, by the chart's `name:`. Symlinks are not followed. */
function findCharts(root: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  walkFolders(root, (dir, entries) => {
    if (!entries.some((e) => e.isFile() && e.name === 'Chart.yaml')) return;
    const name = readChartName(path.join(dir, 'Chart.yaml'))?.name;
    if (name) out.set(name, [...(out.get(name) ?? []), dir]);
  });
  return out;
}

export class HelmSources {
  private charts: Map<string, string[]> | undefined;

  /**
   * @param cwd where chart folders are searched (and relative paths shown from)
   * @param chartDir an explicit chart folder (`--helm-chart`): every `# Source:` maps into it
   */
  constructor(
    private readonly cwd: string,
    private readonly chartDir?: string,
  ) {}

  /**
   * The file a `# Source:` path names, if it exists: absolute path. The name comes from the input,
   * so it only ever selects an existing file inside the working directory or the given chart.
   */
  resolve(source: string): string | undefined {
    const abs = this.find(source);
    if (!abs) return undefined;
    const base = this.chartDir ? path.resolve(this.cwd, this.chartDir) : this.cwd;
    const rel = path.relative(base, abs);
    return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : abs;
  }

  private find(source: string): string | undefined {
    const direct = path.resolve(this.cwd, source);
    const slash = source.indexOf('/');
    if (slash <= 0) return existsSync(direct) ? direct : undefined;
    const name = source.slice(0, slash);
    const rest = source.slice(slash + 1);
    if (this.chartDir) {
      const inChart = path.resolve(this.cwd, this.chartDir, rest);
      return existsSync(inChart) ? inChart : undefined;
    }
    if (existsSync(direct)) return direct;
    this.charts ??= findCharts(this.cwd);
    for (const dir of this.charts.get(name) ?? []) {
      const candidate = path.join(dir, rest);
      if (existsSync(candidate)) return candidate;
    }
    return undefined;
  }
}
