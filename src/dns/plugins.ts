/**
 * What CoreDNS plugins accept, as data: argument counts and the options of their blocks, from each
 * plugin's README (coredns.io/plugins) and setup code. Plugins listed only by name are known but
 * their arguments are not checked. An option missing here that a newer CoreDNS added would be a
 * false alarm, so only the plugins whose option sets are stable and documented list options.
 */

export interface OptionSpec {
  min: number;
  max: number;
  /** A message when the arguments are invalid. */
  check?: (args: readonly string[]) => string | undefined;
}

export interface PluginSpec {
  /** Argument count on the directive line. */
  min: number;
  max: number;
  check?: (args: readonly string[]) => string | undefined;
  /** Block options; undefined: the block is not checked; null: the plugin takes no block. */
  options?: Record<string, OptionSpec> | null;
  /** Lines in the block whose first token is an address (hosts' inline entries). */
  inlineAddresses?: boolean;
  /** CoreDNS rejects a second use in one server block (plugin.ErrOnce). */
  once?: boolean;
  /** Block options the plugin's setup rejects together ("cannot use A and B together"). */
  conflicts?: readonly (readonly [string, string])[];
}

const ANY = Number.POSITIVE_INFINITY;
const opt = (min: number, max: number, check?: OptionSpec['check']): OptionSpec =>
  check ? { min, max, check } : { min, max };

const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const duration =
  (what: string) =>
  (args: readonly string[]): string | undefined =>
    args[0] !== undefined && !DURATION.test(args[0])
      ? `${what} '${args[0]}' is not a duration (such as 5s or 1m)`
      : undefined;
const integer =
  (what: string, min = 0, max = Number.MAX_SAFE_INTEGER, index = 0) =>
  (args: readonly string[]): string | undefined => {
    const a = args[index];
    if (a === undefined) return undefined;
    if (!/^\d+$/.test(a) || Number(a) < min || Number(a) > max)
      return `${what} '${a}' is not an integer${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : ` of at least ${min}`}`;
    return undefined;
  };
const oneOf =
  (what: string, values: readonly string[]) =>
  (args: readonly string[]): string | undefined =>
    args[0] !== undefined && !values.includes(args[0])
      ? `${what} '${args[0]}' is not one of ${values.join(', ')}`
      : undefined;

const REWRITE_FIELDS = ['type', 'class', 'name', 'answer', 'edns0', 'ttl', 'cname', 'rcode'];

export const PLUGINS: Record<string, PluginSpec> = {
  kubernetes: {
    min: 0,
    max: ANY,
    once: true,
    options: {
      endpoint: opt(1, ANY),
      tls: opt(3, 3),
      kubeconfig: opt(1, 2),
      namespaces: opt(1, ANY),
      labels: opt(1, ANY),
      namespace_labels: opt(1, ANY),
      pods: opt(1, 1, oneOf('pods mode', ['disabled', 'insecure', 'verified'])),
      endpoint_pod_names: opt(0, 0),
      ttl: opt(1, 1, integer('ttl', 0, 3600)),
      noendpoints: opt(0, 0),
      fallthrough: opt(0, ANY),
      ignore: opt(1, 1, oneOf('ignore', ['empty_service'])),
      multicluster: opt(1, ANY),
      startup_timeout: opt(1, 1, duration('startup_timeout')),
      apiserver_qps: opt(1, 1),
      apiserver_burst: opt(1, 1),
      apiserver_max_inflight: opt(1, 1),
      // Removed options (coredns-plugin-removed reports them with the version).
      upstream: opt(0, ANY),
      resyncperiod: opt(1, 1),
      transfer: opt(1, ANY),
    },
  },
  forward: {
    // FROM and at most 15 upstreams. Recent releases chain several forward lines in one block (next).
    min: 2,
    max: 16,
    options: {
      except: opt(1, ANY),
      force_tcp: opt(0, 0),
      prefer_udp: opt(0, 0),
      expire: opt(1, 1, duration('expire')),
      max_fails: opt(1, 1, integer('max_fails')),
      tls: opt(0, 3),
      tls_servername: opt(1, 1),
      policy: opt(1, 1, oneOf('policy', ['random', 'round_robin', 'sequential'])),
      health_check: opt(1, 4, duration('health_check')),
      max_concurrent: opt(1, 1, integer('max_concurrent')),
      next: opt(1, ANY),
      failfast_all_unhealthy_upstreams: opt(0, 0),
      failover: opt(1, ANY),
      max_idle_conns: opt(1, 1, integer('max_idle_conns')),
      max_age: opt(1, 1, duration('max_age')),
      max_connect_attempts: opt(1, 1, integer('max_connect_attempts')),
      fallthrough: opt(0, ANY),
      resolve_upstream: opt(1, 1),
    },
    // forward's setup: "cannot use force_tcp and prefer_udp together".
    conflicts: [['force_tcp', 'prefer_udp']],
  },
  cache: {
    min: 0,
    max: ANY,
    once: true,
    // A first argument that is a number is the TTL, and must be positive; otherwise it is a zone.
    check: (args) =>
      args[0] !== undefined && /^-?\d+$/.test(args[0]) && Number(args[0]) <= 0
        ? `cache TTL can not be zero or negative: ${args[0]}`
        : undefined,
    options: {
      success: opt(1, 3, integer('success capacity')),
      denial: opt(1, 3, integer('denial capacity')),
      prefetch: opt(1, 3, integer('prefetch amount', 0)),
      serve_stale: opt(0, 2),
      servfail: opt(1, 1, duration('servfail')),
      disable: opt(1, ANY, oneOf('disable', ['success', 'denial'])),
      keepttl: opt(0, 0),
    },
  },
  errors: {
    // `errors stdout` is still accepted; any other argument is "invalid log file".
    min: 0,
    max: 1,
    check: oneOf('errors output', ['stdout']),
    once: true,
    options: {
      consolidate: opt(2, 3, duration('consolidate')),
      stacktrace: opt(0, 0),
      panicRecoveryStacktrace: opt(0, 0),
    },
  },
  log: { min: 0, max: ANY, options: { class: opt(1, ANY) } },
  health: {
    min: 0,
    max: 1,
    // The address is split with net.SplitHostPort: a port is required (`:8080`).
    check: (args) =>
      args[0] !== undefined && !/:\d*$/.test(args[0])
        ? `health address '${args[0]}' has no port (such as :8080)`
        : undefined,
    options: { lameduck: opt(1, 1, duration('lameduck')) },
  },
  ready: { min: 0, max: 1, options: null },
  prometheus: { min: 0, max: 1, options: null },
  loop: { min: 0, max: 0, options: null },
  reload: { min: 0, max: 2, check: duration('reload interval'), options: null },
  loadbalance: {
    min: 0,
    max: 2,
    check: oneOf('loadbalance policy', ['round_robin', 'weighted']),
    options: { reload: opt(1, 1, duration('reload')) },
  },
  hosts: {
    min: 0,
    max: ANY,
    once: true,
    inlineAddresses: true,
    options: {
      ttl: opt(1, 1, integer('ttl', 1, 65535)),
      no_reverse: opt(0, 0),
      reload: opt(1, 1, duration('reload')),
      fallthrough: opt(0, ANY),
    },
  },
  // rewrite [continue|stop] FIELD [TYPE] FROM TO (coredns.io/plugins/rewrite); an unknown FIELD is
  // "invalid rule type", fewer than FIELD FROM TO "too few arguments".
  rewrite: {
    min: 3,
    max: ANY,
    check: (args) => {
      const rest = args[0] === 'continue' || args[0] === 'stop' ? args.slice(1) : args;
      const field = rest[0];
      if (field === undefined) return undefined;
      if (!REWRITE_FIELDS.includes(field))
        return `rewrite: invalid rule type '${field}' (one of ${REWRITE_FIELDS.join(', ')})`;
      if (rest.length < 3) return `rewrite ${field}: too few arguments (FIELD FROM TO)`;
      return undefined;
    },
  },
  template: {
    min: 2,
    max: ANY,
    options: {
      match: opt(1, ANY),
      answer: opt(1, ANY),
      additional: opt(1, ANY),
      authority: opt(1, ANY),
      rcode: opt(1, 1),
      fallthrough: opt(0, ANY),
      ederror: opt(1, 2),
    },
  },
  autopath: { min: 1, max: ANY, options: null },
  k8s_external: {
    min: 0,
    max: ANY,
    options: {
      apex: opt(1, 1),
      ttl: opt(1, 1, integer('ttl', 0)),
      headless: opt(0, 0),
      fallthrough: opt(0, ANY),
    },
  },
  bind: { min: 1, max: ANY, options: { except: opt(1, ANY) } },
  // Known plugins (CoreDNS plugin.cfg), arguments not checked.
  ...Object.fromEntries(
    [
      'root',
      'metadata',
      'geoip',
      'cancel',
      'tls',
      'timeouts',
      'multisocket',
      'nsid',
      'bufsize',
      'debug',
      'trace',
      'pprof',
      'dnstap',
      'local',
      'dns64',
      'acl',
      'any',
      'chaos',
      'tsig',
      'header',
      'dnssec',
      'minimal',
      'transfer',
      'route53',
      'azure',
      'clouddns',
      'file',
      'auto',
      'secondary',
      'etcd',
      'grpc',
      'erratic',
      'whoami',
      'on',
      'sign',
      'view',
      'nomad',
      'import',
      // Removed plugins, known so that coredns-plugin-removed rather than corefile-invalid reports them.
      'proxy',
      'federation',
    ].map((name) => [name, { min: 0, max: ANY }]),
  ),
};

/** Plugins that answer any name in their zone from outside the cluster: an upstream for `.`. */
export const UPSTREAM_PLUGINS = new Set(['forward', 'proxy', 'grpc', 'etcd', 'route53', 'azure', 'clouddns']);
