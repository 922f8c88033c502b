import { readBounded } from './read';

/**
 * A Helm chart's name and the line it is on, from its Chart.yaml (`name:` at the top level), read
 * bounded: the file is the repository's and may be a FIFO or a link to a device. Undefined when it
 * cannot be read or names nothing.
 */
export function readChartName(file: string): { name: string; line: number } | undefined {
  try {
    const read = readBounded(file, 256 * 1024);
    if (!('buf' in read)) return undefined;
    const text = read.buf.toString('utf8');
    const m = /^name:[ \t]*["']?([A-Za-z0-9._-]+)["']?[ \t]*(#.*)?$/m.exec(text);
    if (!m) return undefined;
    return { name: m[1] as string, line: text.slice(0, m.index).split('\n').length };
  } catch {
    return undefined;
  }
}
