// Gateway API hostname intersection between a route's `hostnames` and a listener's `hostname`.
//
// The spec (HTTPRouteSpec.hostnames, and the same text for GRPCRoute and TLSRoute): a hostname
// prefixed with the wildcard label `*.` is a suffix match, so `*.example.com` matches
// `test.example.com` and `foo.test.example.com` (one or more labels) but not `example.com`; a
// listener without hostname matches every route, a route without hostnames matches every listener;
// "If both the Listener and HTTPRoute have specified hostnames, and none match … the HTTPRoute is
// not accepted" (Accepted=False, reason NoMatchingListenerHostname). A route wildcard works the same
// way: a listener `test.example.com` matches a route `*.example.com`.

/** Whether the names `a` and `b` (each precise or `*.`-wildcard) have a hostname in common. */
export function hostnamesIntersect(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return true;
  const xw = x.startsWith('*.');
  const yw = y.startsWith('*.');
  // The suffix a wildcard stands for, with its leading dot: `*.example.com` → `.example.com`.
  if (xw && yw) return x.slice(1).endsWith(y.slice(1)) || y.slice(1).endsWith(x.slice(1));
  if (xw) return y.endsWith(x.slice(1));
  if (yw) return x.endsWith(y.slice(1));
  return false;
}

/**
 * Whether a route with these hostnames can attach to a listener with this hostname. An absent or
 * empty hostname on either side matches everything.
 */
export function routeMatchesListenerHostname(
  routeHostnames: readonly string[],
  listenerHostname: string | undefined,
): boolean {
  if (listenerHostname === undefined || listenerHostname === '' || routeHostnames.length === 0) return true;
  return routeHostnames.some((h) => hostnamesIntersect(h, listenerHostname));
}
