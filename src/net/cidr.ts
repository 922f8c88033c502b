// IPv4 and IPv6 address and prefix arithmetic on bigints. Small enough to own: parsing, canonical
// form, containment and overlap are all this linter needs, and it needs them exact.

export type Family = 4 | 6;

export interface Cidr {
  family: Family;
  /** The network address (host bits cleared). */
  network: bigint;
  prefix: number;
  /** The address as written, host bits included. */
  address: bigint;
  text: string;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    // Leading zeros are rejected: Go's net.ParseIP (what Kubernetes uses) refuses them since 1.17.
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseIPv6(s: string): bigint | undefined {
  if (s.includes('%')) return undefined; // zones are not allowed in CIDRs
  let head = s;
  let tailV4: bigint | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    tailV4 = parseIPv4(s.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const double = head.split('::');
  if (double.length > 2) return undefined;
  const groups = (x: string) => (x === '' ? [] : x.split(':'));
  const left = groups(double[0] as string);
  const right = double.length === 2 ? groups(double[1] as string) : [];
  const missing = 8 - left.length - right.length;
  if (double.length === 1 ? left.length !== 8 : missing < 1) return undefined;
  const all = [...left, ...Array(double.length === 2 ? missing : 0).fill('0'), ...right];
  let v = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) v = (v & ~0xffffffffn) | tailV4;
  return v;
}

export function parseIp(s: string): { family: Family; value: bigint } | undefined {
  const t = s.trim();
  if (t.includes(':')) {
    const v = parseIPv6(t);
    return v === undefined ? undefined : { family: 6, value: v };
  }
  const v = parseIPv4(t);
  return v === undefined ? undefined : { family: 4, value: v };
}

function mask(family: Family, prefix: number): bigint {
  const bits = BITS[family];
  return ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
}

/** Parses `a.b.c.d/n` or `x::y/n`; undefined when it is not a CIDR. */
export function parseCidr(s: string): Cidr | undefined {
  const text = s.trim();
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const p = text.slice(slash + 1);
  if (!ip || !/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
  const prefix = Number(p);
  if (prefix > BITS[ip.family]) return undefined;
  return { family: ip.family, network: ip.value & mask(ip.family, prefix), prefix, address: ip.value, text };
}

export function formatIp(family: Family, v: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: compress the longest run of two or more zero groups.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function canonical(c: Cidr): string {
  return `${formatIp(c.family, c.network)}/${c.prefix}`;
}

export function hasHostBits(c: Cidr): boolean {
  return c.address !== c.network;
}

export function lastAddress(c: Cidr): bigint {
  return c.network | ((1n << BigInt(BITS[c.family] - c.prefix)) - 1n);
}

/** Whether `outer` contains `inner` (equal counts). */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.family === inner.family &&
    outer.prefix <= inner.prefix &&
    (inner.network & mask(outer.family, outer.prefix)) === outer.network
  );
}

export function containsIp(c: Cidr, family: Family, ip: bigint): boolean {
  return c.family === family && (ip & mask(family, c.prefix)) === c.network;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return contains(a, b) || contains(b, a);
}
