import { parseArgs } from 'node:util';
import type { FailOn, SeveritySetting } from '../config/types';
import { UsageError } from '../load/discover';
import { parseConcurrency, type Concurrency } from '../load/parallel';
import { REACH_FORMATS, type ReachFormat } from '../reach/format';
import { didYouMean } from '../util/suggest';
import type { CacheStrategy } from '../load/cache';

// Listed here rather than imported, so that parsing arguments loads no parser (start-up, #22).
const CACHE_STRATEGIES: readonly CacheStrategy[] = ['metadata', 'content'];

export type Format = 'human' | 'json' | 'sarif' | 'github';
const FORMATS: readonly Format[] = ['human', 'json', 'sarif', 'github'];
const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'note', 'never'];
const LEVELS: readonly SeveritySetting[] = ['off', 'note', 'warning', 'error'];

export type Command =
  | { name: 'lint'; options: LintArgs }
  | { name: 'rules'; format: 'human' | 'json' | 'markdown' }
  | { name: 'explain'; rule: string }
  | { name: 'reach'; options: ReachArgs }
  | { name: 'lsp' }
  | { name: 'help' }
  | { name: 'version' };

export interface ReachArgs {
  paths: string[];
  format: ReachFormat;
  output: string | undefined;
  config: string | undefined;
  noConfig: boolean;
  ignore: string[];
  namespace: string | undefined;
  focus: string | undefined;
  from: string | undefined;
  to: string | undefined;
  port: string | undefined;
  /** Add each workload's DNS edge (to the cluster DNS pods on 53), modelled pods included. */
  dns: boolean;
  /** Compare with this git revision, or this second path: the connections a change adds, removes, alters. */
  diff: string | undefined;
}

export interface LintArgs {
  paths: string[];
  format: Format;
  output: string | undefined;
  config: string | undefined;
  noConfig: boolean;
  rules: Record<string, SeveritySetting>;
  failOn: FailOn | undefined;
  ignore: string[];
  namespace: string | undefined;
  color: boolean | undefined;
  context: string[];
  changedSince: string | undefined;
  watch: boolean;
  /** Zero Kubernetes objects in the input is an error (exit 1), not a warning. */
  failOnEmpty: boolean;
  /** The chart folder of `helm template` output on the input. */
  helmChart: string | undefined;
  /** The folder given to `kustomize build` for output read on the input. */
  kustomizeDir: string | undefined;
  /** Keep parsed documents between runs (`--cache`), in this folder (`--cache-location`). */
  cache: boolean;
  cacheLocation: string | undefined;
  /** Parse worker threads (`--concurrency`). */
  concurrency: Concurrency;
  /** The limit for all files together, in bytes (`--max-input-mib`); undefined: the default. */
  maxInputBytes: number | undefined;
  /** How --cache tells an unchanged file (`--cache-strategy`, ESLint's option and default). */
  cacheStrategy: CacheStrategy;
}

export const HELP = `Usage: kube-netlint [options] [paths...]
       kube-netlint rules [--format human|json|markdown]
       kube-netlint explain <rule-id>
       kube-netlint lsp        (a language server on stdio, for editors)
       kube-netlint reach [paths...] [--format text|json|csv|md|dot|mermaid|html]
                          [--focus NS/WORKLOAD] [--from NS/WORKLOAD --to NS/WORKLOAD [--port P/PROTO]]
                          [--dns] [--diff GIT-REVISION|PATH]

Lints Kubernetes networking configuration offline. Paths are files, directories
(searched recursively for .yaml, .yml and .json) or globs; '-' reads standard
input; the default is the current directory.

Options:
  -f, --format <fmt>      human (default), json, sarif or github
  -o, --output <file>     write the report to a file instead of standard output
  -c, --config <file>     use this config instead of the nearest .kube-netlint.yaml
      --no-config         use no config file
      --rule <id=level>   set a rule to off, note, warning or error (repeatable)
      --fail-on <level>   exit 1 when a finding is at or above: error (default),
                          warning, note, or never
      --ignore <glob>     skip matching files and directories (repeatable)
      --context <path>    also read these paths to resolve references, but report
                          only findings that involve the given paths (repeatable;
                          e.g. --context .)
      --changed-since <rev>
                          report only findings that involve a file changed since
                          a git revision
      --watch             lint again whenever an input changes (with -o)
      --helm-chart <dir>  the chart folder of 'helm template' output read on the
                          input (default: the folder under the current one whose
                          Chart.yaml has the name in '# Source:')
      --kustomize-dir <dir>
                          the folder given to 'kustomize build' (origin annotation
                          paths are relative to it; default: found under the
                          current folder)
      --cache             keep parsed files between runs, by content (an unchanged
                          file is not parsed again)
      --cache-location <dir>
                          the cache folder (default:
                          node_modules/.cache/kube-netlint)
      --concurrency <n|auto|off>
                          parse on n worker threads; auto (default) uses one per
                          core when the input is large enough; off parses on the
                          main thread only
      --max-input-mib <n> stop reading files once they add up to n MiB (default 64;
                          memory grows with the input, about 10 MB per MiB)
      --cache-strategy metadata|content
                          how --cache tells an unchanged file: metadata (default)
                          trusts an equal size, mtime and inode and does not read
                          it; content reads and hashes every file
      --fail-on-empty     exit 1 when the input holds no Kubernetes object (a
                          failed 'helm template' or 'kustomize build' upstream)
  -n, --namespace <ns>    namespace of objects that set none (default: default)
      --color, --no-color force colour on or off (NO_COLOR is honoured)
  -h, --help              show this help
  -v, --version           show the version

Exit codes: 0 nothing at or above the threshold, 1 findings at or above it,
2 usage or configuration error.
`;

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  // 'warn' is what ESLint and most linters call a warning.
  if (value === 'warn' && (allowed as readonly string[]).includes('warning')) return 'warning' as T;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(
      `invalid ${what} '${value}': expected one of ${allowed.join(', ')}${didYouMean(value, allowed)}`,
    );
  }
  return value as T;
}

const OPTIONS = {
  dns: { type: 'boolean' },
  diff: { type: 'string' },
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  config: { type: 'string', short: 'c' },
  'no-config': { type: 'boolean' },
  rule: { type: 'string', multiple: true },
  'fail-on': { type: 'string' },
  ignore: { type: 'string', multiple: true },
  namespace: { type: 'string', short: 'n' },
  context: { type: 'string', multiple: true },
  'changed-since': { type: 'string' },
  'fail-on-empty': { type: 'boolean' },
  'helm-chart': { type: 'string' },
  'kustomize-dir': { type: 'string' },
  watch: { type: 'boolean' },
  cache: { type: 'boolean' },
  'cache-location': { type: 'string' },
  concurrency: { type: 'string' },
  'max-input-mib': { type: 'string' },
  'cache-strategy': { type: 'string' },
  focus: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  port: { type: 'string' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** "Unknown option '--formt'. To specify…" from parseArgs, as one line with the closest option. */
function argsError(e: Error & { code?: string }): UsageError {
  const first = e.message.split('\n')[0] ?? 'invalid arguments';
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const opt = /'([^']+)'/.exec(first)?.[1] ?? '';
    const names = Object.entries(OPTIONS).flatMap(([long, o]) => [
      `--${long}`,
      ...('short' in o ? [`-${o.short}`] : []),
    ]);
    const hint = didYouMean(opt.replace(/=.*$/, ''), names);
    return new UsageError(`unknown option '${opt}'${hint || " (see 'kube-netlint --help')"}`);
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const opt = /--[a-z-]+/.exec(first)?.[0];
    if (opt && /argument missing/.test(first)) return new UsageError(`option ${opt} needs a value`);
    if (opt) return new UsageError(`option ${opt} takes no value`);
  }
  return new UsageError(first);
}

export function parseCommandLine(argv: readonly string[]): Command {
  // The language server takes no options of the linter. Clients add how they talk to it:
  // vscode-languageclient passes `--stdio` and `--clientProcessId=N`; stdio is the only transport.
  if (argv[0] === 'lsp') {
    const odd = argv.slice(1).find((a) => a !== '--stdio' && !/^--clientProcessId(=\d+)?$/.test(a));
    if (odd !== undefined) throw new UsageError(`lsp: unknown argument '${odd}' (it speaks LSP on stdio)`);
    return { name: 'lsp' };
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: OPTIONS,
    });
  } catch (e) {
    throw argsError(e as Error & { code?: string });
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { name: 'help' };
  if (v.version) return { name: 'version' };
  const [first, ...rest] = positionals;
  if (first === 'rules') {
    const fmt = v.format ?? 'human';
    return { name: 'rules', format: oneOf(fmt, ['human', 'json', 'markdown'] as const, 'format') };
  }
  if (first === 'explain') {
    if (rest.length !== 1)
      throw new UsageError('explain takes exactly one rule id: kube-netlint explain <rule-id>');
    return { name: 'explain', rule: rest[0] as string };
  }
  if (first === 'reach') {
    if ((v.from === undefined) !== (v.to === undefined))
      throw new UsageError('reach: --from and --to go together');
    if (v.port !== undefined && v.from === undefined)
      throw new UsageError('reach: --port needs --from and --to');
    if (v.diff !== undefined && v.from !== undefined)
      throw new UsageError('reach: --diff lists changed connections; it does not go with --from/--to');
    if (v.diff !== undefined && !['text', 'json', 'md', 'html'].includes(v.format ?? 'text'))
      throw new UsageError('reach: --diff writes text, json, md or html');
    return {
      name: 'reach',
      options: {
        paths: rest,
        format: oneOf(v.format ?? 'text', REACH_FORMATS, 'format'),
        output: v.output,
        config: v.config,
        noConfig: v['no-config'] === true,
        ignore: v.ignore ?? [],
        namespace: v.namespace,
        focus: v.focus,
        from: v.from,
        to: v.to,
        port: v.port,
        dns: v.dns === true,
        diff: v.diff,
      },
    };
  }
  if (v.dns) throw new UsageError("--dns belongs to 'kube-netlint reach'");
  for (const opt of ['focus', 'from', 'to', 'port', 'diff'] as const) {
    if (v[opt] !== undefined) throw new UsageError(`--${opt} belongs to 'kube-netlint reach'`);
  }
  const rules: Record<string, SeveritySetting> = {};
  for (const spec of v.rule ?? []) {
    const m = /^([a-z0-9-]+)=([a-z]+)$/.exec(spec);
    if (!m) throw new UsageError(`invalid --rule '${spec}': expected <rule-id>=off|note|warning|error`);
    rules[m[1] as string] = oneOf(m[2] as string, LEVELS, `level in --rule ${spec}`);
  }
  if (v.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v.namespace)) {
    throw new UsageError(`invalid --namespace '${v.namespace}': not a valid namespace name`);
  }
  const concurrency = parseConcurrency(v.concurrency ?? 'auto');
  if (concurrency === undefined)
    throw new UsageError(
      `invalid --concurrency '${v.concurrency}': expected a number of worker threads (1 to 9999), auto or off`,
    );
  const maxInput = v['max-input-mib'];
  if (maxInput !== undefined && !/^[1-9][0-9]{0,5}$/.test(maxInput))
    throw new UsageError(
      `invalid --max-input-mib '${maxInput}': expected a whole number of MiB from 1 to 999999`,
    );
  return {
    name: 'lint',
    options: {
      paths: positionals,
      format: oneOf(v.format ?? 'human', FORMATS, 'format'),
      output: v.output,
      config: v.config,
      noConfig: v['no-config'] === true,
      rules,
      failOn: v['fail-on'] === undefined ? undefined : oneOf(v['fail-on'], FAIL_ON, '--fail-on'),
      ignore: v.ignore ?? [],
      namespace: v.namespace,
      color: v['no-color'] ? false : v.color ? true : undefined,
      context: v.context ?? [],
      changedSince: v['changed-since'],
      watch: v.watch === true,
      failOnEmpty: v['fail-on-empty'] === true,
      helmChart: v['helm-chart'],
      kustomizeDir: v['kustomize-dir'],
      cache: v.cache === true,
      cacheLocation: v['cache-location'],
      concurrency,
      maxInputBytes: maxInput === undefined ? undefined : Number(maxInput) * 1048576,
      cacheStrategy: oneOf(v['cache-strategy'] ?? 'metadata', CACHE_STRATEGIES, '--cache-strategy'),
    },
  };
}
