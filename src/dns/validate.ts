import {
  isPlaceholder,
  zoneKey,
  type Corefile,
  type Directive,
  type ServerBlock,
  type Token,
} from './corefile';
import { PLUGINS, type OptionSpec } from './plugins';

/** A problem that makes CoreDNS refuse the Corefile, at a token. */
export interface CorefileProblem {
  message: string;
  line: number;
  col: number;
  /** Not proven: a custom CoreDNS build may have an unknown plugin. */
  weak?: boolean;
}

const at = (t: Token) => ({ line: t.line, col: t.col });

function countProblem(what: string, n: number, min: number, max: number): string | undefined {
  if (n < min)
    return `${what} needs ${min === max ? min : `at least ${min}`} argument${min === 1 ? '' : 's'}, got ${n}`;
  if (n > max) return `${what} takes ${max === 0 ? 'no arguments' : `at most ${max}`}, got ${n}`;
  return undefined;
}

/** An IP address, optionally with a port or in brackets (forward's TO, hosts' entries). */
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
export function isIp(text: string): boolean {
  const m = IPV4.exec(text);
  if (m) return m.slice(1).every((p) => Number(p) <= 255);
  return text.includes(':') && /^[0-9a-fA-F:.]+(%\w+)?$/.test(text);
}

/** Splits a forward TO into transport, host and port: `tls://1.1.1.1:853`, `[::1]:53`, `8.8.8.8`. */
export function forwardTarget(to: string): { transport: string; host: string; port: string } | 'file' {
  let rest = to;
  let transport = 'dns';
  const scheme = /^([a-z0-9]+):\/\//i.exec(rest);
  if (scheme) {
    transport = (scheme[1] as string).toLowerCase();
    rest = rest.slice(scheme[0].length);
  } else if (rest.startsWith('/') || rest.startsWith('.')) return 'file';
  let port = transport === 'tls' ? '853' : '53';
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracket) return { transport, host: bracket[1] as string, port: bracket[2] ?? port };
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && rest.indexOf(':') === colon) {
    port = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { transport, host: rest, port };
}

function checkOptions(
  d: Directive,
  options: Record<string, OptionSpec> | null | undefined,
  out: CorefileProblem[],
) {
  if (!d.block || options === undefined) return;
  const plugin = d.name.text;
  if (options === null) {
    out.push({ message: `${plugin} takes no block of options`, ...at(d.name) });
    return;
  }
  const spec = PLUGINS[plugin];
  for (const o of d.block) {
    if (isPlaceholder(o.name.text) || o.args.some((a) => isPlaceholder(a.text))) continue;
    const os = options[o.name.text];
    // hosts takes any other line as an inline hosts-file entry (checked when read, not at start-up).
    if (!os && spec?.inlineAddresses) continue;
    if (!os) {
      out.push({ message: `${plugin}: unknown property '${o.name.text}'`, ...at(o.name) });
      continue;
    }
    const args = o.args.map((a) => a.text);
    const problem =
      countProblem(`${plugin} option ${o.name.text}`, args.length, os.min, os.max) ?? os.check?.(args);
    if (problem) out.push({ message: `${plugin}: ${problem}`, ...at(o.name) });
    if (o.block) out.push({ message: `${plugin}: option ${o.name.text} takes no block`, ...at(o.name) });
  }
  for (const [a, b] of spec?.conflicts ?? []) {
    const second = d.block.find((o) => o.name.text === b);
    if (second && d.block.some((o) => o.name.text === a))
      out.push({ message: `${plugin}: cannot use ${a} and ${b} together`, ...at(second.name) });
  }
}

function checkDirective(d: Directive, out: CorefileProblem[]): void {
  const name = d.name.text;
  if (isPlaceholder(name)) return;
  if (name === 'import') {
    if (d.args.length === 0)
      out.push({ message: 'import needs a snippet name or a file pattern', ...at(d.name) });
    return;
  }
  const spec = PLUGINS[name];
  if (!spec) {
    out.push({
      message: `unknown plugin '${name}': CoreDNS stops with "Unknown directive" unless the image is a custom build that has it`,
      weak: true,
      ...at(d.name),
    });
    return;
  }
  const args = d.args.map((a) => a.text);
  if (args.some(isPlaceholder)) {
    checkOptions(d, spec.options, out);
    return;
  }
  const problem = countProblem(name, args.length, spec.min, spec.max) ?? spec.check?.(args);
  if (problem) out.push({ message: problem, ...at(d.name) });
  // resolve_upstream (recent releases) lets forward resolve host names itself.
  if (name === 'forward' && !d.block?.some((o) => o.name.text === 'resolve_upstream')) {
    for (const t of d.args.slice(1)) {
      const target = forwardTarget(t.text);
      if (target === 'file') continue;
      if (!isIp(target.host))
        out.push({
          message: `forward: '${t.text}' is not an IP address or a resolv.conf file (forward does not resolve host names)`,
          ...at(t),
        });
    }
  }
  checkOptions(d, spec.options, out);
}

/** The server block keys of a Corefile that claim a transport, zone and port ("dns://example.org.:53"). */
export function serverKeys(blocks: readonly ServerBlock[]): { id: string; token: Token }[] {
  const out: { id: string; token: Token }[] = [];
  for (const b of blocks) {
    if (b.snippet) continue;
    // Blocks with bind may share a zone and port on different addresses.
    if (b.directives.some((d) => d.name.text === 'bind' || d.name.text === 'import')) continue;
    for (const k of b.keys) {
      if (isPlaceholder(k.text)) continue;
      const z = zoneKey(k.text);
      out.push({ id: `${z.transport}://${z.zone}:${z.port}`, token: k });
    }
  }
  return out;
}

/** Server block keys twice (same transport, zone and port): "cannot serve … - it is already defined". */
function duplicateKeys(blocks: readonly ServerBlock[], out: CorefileProblem[]): void {
  const seen = new Map<string, Token>();
  for (const { id, token: k } of serverKeys(blocks)) {
    const first = seen.get(id);
    if (first)
      out.push({
        message: `server block key ${k.text} repeats ${first.text} (line ${first.line + 1}): CoreDNS stops with "cannot serve ${id} - it is already defined"`,
        ...at(k),
      });
    else seen.set(id, k);
  }
}

/** Everything in a parsed Corefile that CoreDNS would refuse to load. */
export function validateCorefile(cf: Corefile): CorefileProblem[] {
  const out: CorefileProblem[] = cf.errors.map((e) => ({ message: e.message, line: e.line, col: e.col }));
  // After a structural error the blocks are not what the author meant: further findings would cascade.
  if (out.length > 0) return out;
  for (const b of cf.blocks) {
    // Snippets are checked where they are imported, in context; standing alone they may be fragments.
    if (b.snippet) continue;
    validateDirectives(b.directives, out);
  }
  duplicateKeys(cf.blocks, out);
  return out;
}

/** The checks on one block's directives, also for `*.override` keys that hold plugin lines only. */
export function validateDirectives(directives: readonly Directive[], out: CorefileProblem[]): void {
  const count = new Map<string, Directive>();
  for (const d of directives) {
    checkDirective(d, out);
    const spec = PLUGINS[d.name.text];
    if (spec?.once) {
      const first = count.get(d.name.text);
      if (first)
        out.push({
          message: `${d.name.text} is used twice in one server block (first on line ${first.name.line + 1}): it can only be used once per server block`,
          ...at(d.name),
        });
      else count.set(d.name.text, d);
    }
  }
}
