/**
 * A Corefile parser with positions. CoreDNS reads its configuration with the Caddy (v1) Caddyfile
 * lexer: tokens are separated by white space, `"…"` quotes a token (backslash escapes the quote),
 * `#` at the start of a token comments out the rest of the line, and `{` / `}` are braces only as
 * tokens of their own. A server block is a line of keys (`.:53`, `example.org:53`, `dns://…`,
 * separated by spaces or commas) followed by `{ … }`; inside, each line is a directive (a plugin,
 * or `import`) with its arguments, and a directive ending in `{` opens a block of option lines.
 * `(name) { … }` defines a snippet for `import name`. Nothing here is executed; every scan is linear.
 */

/** A token and where it starts in the Corefile text (0-based line and column). */
export interface Token {
  text: string;
  line: number;
  col: number;
  /** Written in quotes: never a brace or a comment. */
  quoted: boolean;
}

/** A directive line: a plugin (or `import`) and its arguments, with an optional block of option lines. */
export interface Directive {
  name: Token;
  args: Token[];
  /** Option lines inside `{ … }`; undefined when the directive has no block. */
  block: Directive[] | undefined;
}

export interface ServerBlock {
  /** Empty for a top-level `import` line, whose only directive is the import. */
  keys: Token[];
  directives: Directive[];
  /** A `(name)` snippet definition rather than a server block. */
  snippet: boolean;
}

export interface CorefileError {
  message: string;
  line: number;
  col: number;
}

export interface Corefile {
  blocks: ServerBlock[];
  errors: CorefileError[];
}

/** Splits Corefile text into tokens, grouped by the line they start on. */
export function tokenize(text: string): { tokens: Token[]; errors: CorefileError[] } {
  const tokens: Token[] = [];
  const errors: CorefileError[] = [];
  let line = 0;
  let col = 0;
  let i = 0;
  const n = text.length;
  const advance = (ch: string) => {
    if (ch === '\n') {
      line++;
      col = 0;
    } else col++;
  };
  while (i < n) {
    const ch = text[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      advance(ch);
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < n && text[i] !== '\n') {
        i++;
        col++;
      }
      continue;
    }
    const start = { line, col };
    if (ch === '"') {
      let value = '';
      i++;
      col++;
      let closed = false;
      while (i < n) {
        const c = text[i] as string;
        if (c === '\\' && text[i + 1] === '"') {
          value += '"';
          i += 2;
          col += 2;
          continue;
        }
        if (c === '"') {
          closed = true;
          i++;
          col++;
          break;
        }
        value += c;
        advance(c);
        i++;
      }
      if (!closed) errors.push({ message: 'unterminated quoted string', ...start });
      tokens.push({ text: value, ...start, quoted: true });
      continue;
    }
    let value = '';
    while (i < n) {
      const c = text[i] as string;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') break;
      value += c;
      i++;
      col++;
    }
    tokens.push({ text: value, ...start, quoted: false });
  }
  return { tokens, errors };
}

const isOpen = (t: Token | undefined): boolean => t !== undefined && !t.quoted && t.text === '{';
const isClose = (t: Token | undefined): boolean => t !== undefined && !t.quoted && t.text === '}';

class Parser {
  pos = 0;
  readonly errors: CorefileError[] = [];
  constructor(readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  error(message: string, at: Token | undefined): void {
    const last = this.tokens[this.tokens.length - 1];
    const t = at ?? last;
    this.errors.push({ message, line: t?.line ?? 0, col: t?.col ?? 0 });
  }

  /** Directive lines until `}` (consumed) or the end; `depth` guards against deep nesting. */
  directives(opener: Token | undefined, depth: number): Directive[] {
    const out: Directive[] = [];
    for (;;) {
      const t = this.peek();
      if (t === undefined) {
        if (opener) this.error("'{' is never closed: a '}' is missing", opener);
        return out;
      }
      if (isClose(t)) {
        this.pos++;
        if (!opener) this.error("unexpected '}': no block is open here", t);
        else return out;
        continue;
      }
      if (isOpen(t)) {
        this.error("unexpected '{': a block must follow a directive on the same line", t);
        this.pos++;
        this.directives(t, depth + 1);
        continue;
      }
      out.push(this.directive(depth));
    }
  }

  directive(depth: number): Directive {
    const name = this.tokens[this.pos++] as Token;
    const args: Token[] = [];
    let block: Directive[] | undefined;
    for (;;) {
      const t = this.peek();
      if (t === undefined || t.line !== name.line || isClose(t)) break;
      this.pos++;
      if (isOpen(t)) {
        if (depth > 32) {
          this.error('blocks nested too deeply', t);
          block = [];
        } else block = this.directives(t, depth + 1);
        break;
      }
      args.push(t);
    }
    return { name, args, block };
  }

  serverBlocks(): ServerBlock[] {
    const blocks: ServerBlock[] = [];
    while (this.peek() !== undefined) {
      const first = this.peek() as Token;
      if (isClose(first)) {
        this.error("unexpected '}': no server block is open here", first);
        this.pos++;
        continue;
      }
      if (first.text === 'import' && !first.quoted) {
        // A top-level import (`import /etc/coredns/custom/*.server`): server blocks from other files.
        blocks.push({ keys: [], directives: [this.directive(0)], snippet: false });
        continue;
      }
      if (isOpen(first)) {
        this.error("'{' without server block keys (such as .:53) before it", first);
        this.pos++;
        blocks.push({ keys: [], directives: this.directives(first, 0), snippet: false });
        continue;
      }
      // Keys: every token up to `{`, on the first line (and on following lines after a trailing comma).
      const keys: Token[] = [];
      let line = first.line;
      for (;;) {
        const t = this.peek();
        if (t === undefined || isOpen(t) || isClose(t)) break;
        const continued = keys.length > 0 && (keys[keys.length - 1] as Token).text.endsWith(',');
        if (t.line !== line && !continued) break;
        line = t.line;
        this.pos++;
        for (const part of t.text.split(',')) {
          if (part !== '') keys.push({ ...t, text: part });
        }
      }
      const snippet = keys.length === 1 && /^\(.*\)$/.test((keys[0] as Token).text);
      const open = this.peek();
      if (isOpen(open)) {
        this.pos++;
        blocks.push({ keys, directives: this.directives(open, 0), snippet });
      } else {
        // Caddy accepts one server block without braces: the rest of the file is its directives.
        if (blocks.length > 0) this.error("server block keys must be followed by '{'", first);
        blocks.push({ keys, directives: this.directives(undefined, 0), snippet: false });
      }
    }
    return blocks;
  }
}

/** An unterminated quote swallows the closing braces after it: the unclosed blocks are its echo. */
function merge(lexical: CorefileError[], structural: CorefileError[]): CorefileError[] {
  if (lexical.length === 0) return structural;
  return [...lexical, ...structural.filter((e) => !e.message.includes('never closed'))];
}

/** Parses a whole Corefile (the `Corefile` key, or an AKS/k3s `*.server` key). */
export function parseCorefile(text: string): Corefile {
  const { tokens, errors } = tokenize(text);
  const p = new Parser(tokens);
  const blocks = p.serverBlocks();
  return { blocks, errors: merge(errors, p.errors) };
}

/** Parses plugin lines without server block keys (an AKS/k3s `*.override` key, imported into `.:53`). */
export function parseDirectives(text: string): { directives: Directive[]; errors: CorefileError[] } {
  const { tokens, errors } = tokenize(text);
  const p = new Parser(tokens);
  const directives = p.directives(undefined, 0);
  return { directives, errors: merge(errors, p.errors) };
}

/** A server block key split into transport, zone and port, as CoreDNS normalises it. */
export interface ZoneKey {
  transport: string;
  /** Lower case, fully qualified (`.` for the root). */
  zone: string;
  /** The port written, or the transport's default. */
  port: string;
}

const DEFAULT_PORTS: Record<string, string> = {
  dns: '53',
  tls: '853',
  grpc: '443',
  https: '443',
  quic: '853',
};

/** Reads `dns://example.org:53`, `example.org`, `.:53`, `:53`, `10.0.0.0/24`. */
export function zoneKey(key: string): ZoneKey {
  let rest = key;
  let transport = 'dns';
  const scheme = /^([a-z0-9]+):\/\//i.exec(rest);
  if (scheme) {
    transport = (scheme[1] as string).toLowerCase();
    rest = rest.slice(scheme[0].length);
  }
  let port = DEFAULT_PORTS[transport] ?? '53';
  // IPv6 reverse zones are written as CIDRs without a port; a port follows the last ':' otherwise.
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && /^\d*$/.test(rest.slice(colon + 1)) && !rest.slice(0, colon).includes(':')) {
    if (colon + 1 < rest.length) port = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let zone = rest.toLowerCase();
  if (zone === '') zone = '.';
  if (!zone.endsWith('.')) zone += '.';
  return { transport, zone, port };
}

/** Whether a token holds something filled in before CoreDNS reads it, so its value cannot be checked. */
export function isPlaceholder(text: string): boolean {
  return (
    text.includes('{$') || // CoreDNS environment substitution
    text.includes('${') ||
    text.includes('{{') ||
    text.includes('__PILLAR__') ||
    /%\{[A-Z_]+\}%/.test(text) || // k3s manifest templates: %{CLUSTER_DOMAIN}%
    text.includes('$(')
  );
}
