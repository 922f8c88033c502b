// Calico's selector language (projectcalico.org/v3 policies, rules, network sets), parsed and
// evaluated exactly as documented in docs.tigera.io/calico/latest/reference/resources/networkpolicy
// #selectors, with the tokenizer's rules from libcalico-go lib/selector: label names are runs of
// [a-zA-Z0-9_./-]; strings are single- or double-quoted with no escapes; `!=` and `not in` also match
// an endpoint without the label; `global()` is valid only in a namespaceSelector.
import type { LabelValue, PodLabels } from '../model/labels';

export type CalicoExpr =
  | { op: 'all' }
  | { op: 'global' }
  | { op: 'has'; key: string }
  | { op: '==' | '!=' | 'contains' | 'starts with' | 'ends with'; key: string; value: string }
  | { op: 'in' | 'not in'; key: string; values: readonly string[] }
  | { op: '!'; expr: CalicoExpr }
  | { op: '&&' | '||'; left: CalicoExpr; right: CalicoExpr };

export interface CalicoSelector {
  text: string;
  /** undefined when the text does not parse. */
  expr: CalicoExpr | undefined;
  /** The syntax error, with its 1-based column inside the selector string. */
  error: { message: string; column: number } | undefined;
}

type Token =
  | { t: 'label'; v: string; col: number }
  | { t: 'string'; v: string; col: number }
  | { t: 'has'; v: string; col: number }
  | { t: 'all' | 'global' | 'eof'; col: number }
  | {
      t:
        | '=='
        | '!='
        | 'in'
        | 'not in'
        | 'contains'
        | 'starts with'
        | 'ends with'
        | '!'
        | '&&'
        | '||'
        | '('
        | ')'
        | '{'
        | '}'
        | ',';
      col: number;
    };

class SelectorError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

const LABEL = /^[a-zA-Z0-9_./-]+/;
// Keywords are matched before labels; a keyword must not run on into label characters
// (`index` is a label, `in {` the operator).
const WORDS: readonly [RegExp, Token['t']][] = [
  [/^has\(\s*([a-zA-Z0-9_./-]+)\s*\)/, 'has'],
  [/^all\(\s*\)/, 'all'],
  [/^global\(\s*\)/, 'global'],
  [/^not\s+in(?![a-zA-Z0-9_./-])/, 'not in'],
  [/^in(?![a-zA-Z0-9_./-])/, 'in'],
  [/^contains(?![a-zA-Z0-9_./-])/, 'contains'],
  [/^starts\s+with(?![a-zA-Z0-9_./-])/, 'starts with'],
  [/^ends\s+with(?![a-zA-Z0-9_./-])/, 'ends with'],
];
const SYMBOLS = ['==', '!=', '&&', '||', '!', '(', ')', '{', '}', ','] as const;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const ws = /^\s+/.exec(rest);
    if (ws) {
      i += ws[0].length;
      continue;
    }
    const col = i + 1;
    const sym = SYMBOLS.find((s) => rest.startsWith(s));
    if (sym) {
      out.push({ t: sym, col });
      i += sym.length;
      continue;
    }
    if (rest[0] === '"' || rest[0] === "'") {
      const end = rest.indexOf(rest[0], 1);
      if (end < 0) throw new SelectorError('unterminated string', col);
      out.push({ t: 'string', v: rest.slice(1, end), col });
      i += end + 1;
      continue;
    }
    const word = WORDS.find(([re]) => re.test(rest));
    if (word) {
      const m = word[0].exec(rest) as RegExpExecArray;
      if (word[1] === 'has') out.push({ t: 'has', v: m[1] as string, col });
      else out.push({ t: word[1], col } as Token);
      i += m[0].length;
      continue;
    }
    const label = LABEL.exec(rest);
    if (label) {
      out.push({ t: 'label', v: label[0], col });
      i += label[0].length;
      continue;
    }
    throw new SelectorError(`unexpected character '${rest[0] ?? ''}'`, col);
  }
  out.push({ t: 'eof', col: text.length + 1 });
  return out;
}

const describe = (tok: Token): string =>
  tok.t === 'eof' ? 'end of selector' : tok.t === 'label' || tok.t === 'string' ? `'${tok.v}'` : `'${tok.t}'`;

/** Recursive descent over: or := and ('||' and)*; and := unary ('&&' unary)*; unary := '!' unary | atom. */
class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token {
    return this.toks[this.i] as Token;
  }
  private next(): Token {
    return this.toks[this.i++] as Token;
  }
  private fail(expected: string): never {
    const tok = this.peek();
    throw new SelectorError(`expected ${expected}, found ${describe(tok)}`, tok.col);
  }

  parse(): CalicoExpr {
    const e = this.or();
    if (this.peek().t !== 'eof') this.fail("'&&', '||' or the end");
    return e;
  }

  private or(): CalicoExpr {
    let left = this.and();
    while (this.peek().t === '||') {
      this.next();
      left = { op: '||', left, right: this.and() };
    }
    return left;
  }

  private and(): CalicoExpr {
    let left = this.unary();
    while (this.peek().t === '&&') {
      this.next();
      left = { op: '&&', left, right: this.unary() };
    }
    return left;
  }

  private unary(): CalicoExpr {
    if (this.peek().t === '!') {
      this.next();
      return { op: '!', expr: this.unary() };
    }
    return this.atom();
  }

  private atom(): CalicoExpr {
    const tok = this.next();
    switch (tok.t) {
      case 'all':
        return { op: 'all' };
      case 'global':
        return { op: 'global' };
      case 'has':
        return { op: 'has', key: tok.v };
      case '(': {
        const e = this.or();
        if (this.peek().t !== ')') this.fail("')'");
        this.next();
        return e;
      }
      case 'label':
        return this.comparison(tok.v);
      default:
        this.i--;
        return this.fail('a label, has(), all(), global(), ! or (');
    }
  }

  private comparison(key: string): CalicoExpr {
    const op = this.next();
    switch (op.t) {
      case '==':
      case '!=':
      case 'contains':
      case 'starts with':
      case 'ends with':
        return { op: op.t, key, value: this.string() };
      case 'in':
      case 'not in':
        return { op: op.t, key, values: this.set() };
      default:
        this.i--;
        return this.fail(
          `an operator after label '${key}' (==, !=, in, not in, contains, starts with, ends with)`,
        );
    }
  }

  private string(): string {
    const tok = this.peek();
    if (tok.t !== 'string') this.fail('a quoted string');
    this.next();
    return (tok as { v: string }).v;
  }

  private set(): string[] {
    if (this.peek().t !== '{') this.fail("'{'");
    this.next();
    const values: string[] = [];
    if (this.peek().t === '}') {
      this.next();
      return values;
    }
    for (;;) {
      values.push(this.string());
      const tok = this.next();
      if (tok.t === '}') return values;
      if (tok.t !== ',') {
        this.i--;
        this.fail("',' or '}'");
      }
    }
  }
}

/** Parses a selector; an empty (or all-blank) selector is all(), as Calico reads it. */
export function parseCalicoSelector(text: string): CalicoSelector {
  if (text.trim() === '') return { text, expr: { op: 'all' }, error: undefined };
  try {
    return { text, expr: new Parser(tokenize(text)).parse(), error: undefined };
  } catch (e) {
    if (e instanceof SelectorError)
      return { text, expr: undefined, error: { message: e.message, column: e.column } };
    throw e;
  }
}

/** Whether the expression uses global() anywhere (valid only in a namespaceSelector). */
export function usesGlobal(e: CalicoExpr): boolean {
  if (e.op === 'global') return true;
  if (e.op === '!') return usesGlobal(e.expr);
  if (e.op === '&&' || e.op === '||') return usesGlobal(e.left) || usesGlobal(e.right);
  return false;
}

/**
 * Three-valued: a pod's label may be known only as one of several values, or only at run time.
 * 'maybe' keeps a linter from reporting what it cannot know.
 */
export type Truth = 'yes' | 'no' | 'maybe';

function fromValues(v: LabelValue, test: (s: string) => boolean): Truth {
  if (typeof v === 'string') return test(v) ? 'yes' : 'no';
  if ('unknown' in v) return 'maybe';
  const hits = v.anyOf.filter(test).length;
  return hits === 0 ? 'no' : hits === v.anyOf.length ? 'yes' : 'maybe';
}

const not = (t: Truth): Truth => (t === 'yes' ? 'no' : t === 'no' ? 'yes' : 'maybe');

export interface EvalContext {
  /** Whether the object is non-namespaced (a HostEndpoint, a GlobalNetworkSet): what global() selects. */
  global?: boolean;
}

/** Evaluates an expression over labels. */
export function evaluate(e: CalicoExpr, labels: PodLabels, ctx: EvalContext = {}): Truth {
  switch (e.op) {
    case 'all':
      return 'yes';
    case 'global':
      return ctx.global ? 'yes' : 'no';
    case 'has':
      return labels.has(e.key) ? 'yes' : 'no';
    case '!':
      return not(evaluate(e.expr, labels, ctx));
    case '&&': {
      const l = evaluate(e.left, labels, ctx);
      if (l === 'no') return 'no';
      const r = evaluate(e.right, labels, ctx);
      return r === 'no' ? 'no' : l === 'yes' && r === 'yes' ? 'yes' : 'maybe';
    }
    case '||': {
      const l = evaluate(e.left, labels, ctx);
      if (l === 'yes') return 'yes';
      const r = evaluate(e.right, labels, ctx);
      return r === 'yes' ? 'yes' : l === 'no' && r === 'no' ? 'no' : 'maybe';
    }
    default:
      break;
  }
  const v = labels.get(e.key);
  switch (e.op) {
    // "k != 'string'" and "k not in {…}" also match endpoints without the label k.
    case '!=':
      return v === undefined ? 'yes' : not(fromValues(v, (s) => s === e.value));
    case 'not in':
      return v === undefined ? 'yes' : not(fromValues(v, (s) => e.values.includes(s)));
    default:
      break;
  }
  if (v === undefined) return 'no';
  switch (e.op) {
    case '==':
      return fromValues(v, (s) => s === e.value);
    case 'in':
      return fromValues(v, (s) => e.values.includes(s));
    case 'contains':
      return fromValues(v, (s) => s.includes(e.value));
    case 'starts with':
      return fromValues(v, (s) => s.startsWith(e.value));
    case 'ends with':
      return fromValues(v, (s) => s.endsWith(e.value));
  }
}

/** Whether a selector may match (a selector that does not parse matches nothing). */
export function calicoMatches(sel: CalicoSelector, labels: PodLabels, ctx: EvalContext = {}): boolean {
  return sel.expr !== undefined && evaluate(sel.expr, labels, ctx) !== 'no';
}

/** Label keys the expression requires to be present with some value (== , in, has, contains...), for hints. */
export function requiredKeys(e: CalicoExpr): { key: string; values: readonly string[] }[] {
  switch (e.op) {
    case '==':
    case 'contains':
    case 'starts with':
    case 'ends with':
      return [{ key: e.key, values: [e.value] }];
    case 'in':
      return [{ key: e.key, values: e.values }];
    case 'has':
      return [{ key: e.key, values: [] }];
    case '&&':
      return [...requiredKeys(e.left), ...requiredKeys(e.right)];
    default:
      return [];
  }
}
