// The protocol Istio assigns to a Service port (Istio docs, "Protocol Selection"; istio/istio
// pkg/config/kube ConvertProtocol): UDP ports are UDP; otherwise `appProtocol` when set (it takes
// precedence: the port name is then not read at all), else the port name's `<protocol>[-<suffix>]`
// prefix, case-insensitive, with `grpc-web` read whole. The Kubernetes names of appProtocol map to
// http2 (kubernetes.io/h2c), http (kubernetes.io/ws) and https (kubernetes.io/wss). A value Istio
// does not know leaves the port to protocol sniffing ("auto").
import type { ServicePortSpec } from '../model/service-ports';
import { asString } from '../util/values';

export const ISTIO_PROTOCOLS = [
  'tcp',
  'udp',
  'grpc',
  'grpc-web',
  'http',
  'http_proxy',
  'http2',
  'https',
  'tls',
  'mongo',
  'redis',
  'mysql',
] as const;

const KUBERNETES_APP_PROTOCOLS: Record<string, string> = {
  'kubernetes.io/h2c': 'http2',
  'kubernetes.io/ws': 'http',
  'kubernetes.io/wss': 'https',
};

/** Ports Istio treats as TCP when nothing names a protocol (SMTP, DNS, MySQL, MongoDB). */
const WELL_KNOWN_TCP = new Set([25, 53, 3306, 27017]);

export interface PortProtocol {
  /** The protocol, or 'auto' (sniffing) when nothing selects one. */
  protocol: string;
  /** Where it comes from. */
  source: 'appProtocol' | 'name' | 'udp' | 'default';
  /** The written value Istio does not know, when it was read from appProtocol or the name's prefix. */
  unknown: string | undefined;
}

function parse(value: string): string | undefined {
  const v = value.toLowerCase();
  return (ISTIO_PROTOCOLS as readonly string[]).includes(v) ? v : undefined;
}

/** The name's protocol prefix as Istio reads it: `grpc-web…` whole, else the part before the first `-`. */
export function namePrefix(name: string): string {
  if (name.toLowerCase().startsWith('grpc-web')) return 'grpc-web';
  const dash = name.indexOf('-');
  return dash < 0 ? name : name.slice(0, dash);
}

export function selectedProtocol(sp: ServicePortSpec): PortProtocol {
  if (sp.protocol === 'UDP') return { protocol: 'udp', source: 'udp', unknown: undefined };
  const app = asString(sp.raw['appProtocol']);
  const fallback = (unknown: string | undefined, source: PortProtocol['source']): PortProtocol => ({
    protocol: sp.port !== undefined && WELL_KNOWN_TCP.has(sp.port) ? 'tcp' : 'auto',
    source,
    unknown,
  });
  if (app) {
    const k8s = KUBERNETES_APP_PROTOCOLS[app];
    if (k8s) return { protocol: k8s, source: 'appProtocol', unknown: undefined };
    const p = parse(namePrefix(app));
    return p ? { protocol: p, source: 'appProtocol', unknown: undefined } : fallback(app, 'appProtocol');
  }
  if (!sp.name) return fallback(undefined, 'default');
  const p = parse(namePrefix(sp.name));
  return p ? { protocol: p, source: 'name', unknown: undefined } : fallback(namePrefix(sp.name), 'name');
}
