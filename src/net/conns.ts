// Sets of connections: per protocol, a sorted list of disjoint port ranges.

export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];
export type Range = readonly [number, number];

const MAX_PORT = 65535;

export class ConnSet {
  private constructor(private readonly ranges: ReadonlyMap<Protocol, readonly Range[]>) {}

  static none(): ConnSet {
    return new ConnSet(new Map());
  }

  static all(): ConnSet {
    return new ConnSet(new Map(PROTOCOLS.map((p) => [p, [[1, MAX_PORT] as Range]])));
  }

  static of(protocol: string, from = 1, to = MAX_PORT): ConnSet {
    if (!(PROTOCOLS as readonly string[]).includes(protocol) || from > to) return ConnSet.none();
    return new ConnSet(
      new Map([[protocol as Protocol, [[Math.max(1, from), Math.min(MAX_PORT, to)] as Range]]]),
    );
  }

  isEmpty(): boolean {
    return [...this.ranges.values()].every((r) => r.length === 0);
  }

  isAll(): boolean {
    return PROTOCOLS.every((p) => {
      const r = this.ranges.get(p);
      return r?.length === 1 && r[0]?.[0] === 1 && r[0]?.[1] === MAX_PORT;
    });
  }

  has(protocol: string, port: number): boolean {
    return (this.ranges.get(protocol as Protocol) ?? []).some(([a, b]) => port >= a && port <= b);
  }

  union(other: ConnSet): ConnSet {
    const out = new Map<Protocol, Range[]>();
    for (const p of PROTOCOLS) {
      const merged = normalize([...(this.ranges.get(p) ?? []), ...(other.ranges.get(p) ?? [])]);
      if (merged.length) out.set(p, merged);
    }
    return new ConnSet(out);
  }

  intersect(other: ConnSet): ConnSet {
    const out = new Map<Protocol, Range[]>();
    for (const p of PROTOCOLS) {
      const a = this.ranges.get(p) ?? [];
      const b = other.ranges.get(p) ?? [];
      const res: Range[] = [];
      for (const [x1, x2] of a)
        for (const [y1, y2] of b)
          if (Math.max(x1, y1) <= Math.min(x2, y2)) res.push([Math.max(x1, y1), Math.min(x2, y2)]);
      const merged = normalize(res);
      if (merged.length) out.set(p, merged);
    }
    return new ConnSet(out);
  }

  /** The connections of this set that `other` does not hold. */
  minus(other: ConnSet): ConnSet {
    const out = new Map<Protocol, Range[]>();
    for (const p of PROTOCOLS) {
      let ranges: Range[] = [...(this.ranges.get(p) ?? [])];
      for (const [y1, y2] of other.ranges.get(p) ?? []) {
        ranges = ranges.flatMap(([x1, x2]): Range[] => {
          if (y2 < x1 || y1 > x2) return [[x1, x2]];
          const left: Range[] = x1 < y1 ? [[x1, y1 - 1]] : [];
          const right: Range[] = y2 < x2 ? [[y2 + 1, x2]] : [];
          return [...left, ...right];
        });
      }
      if (ranges.length) out.set(p, ranges);
    }
    return new ConnSet(out);
  }

  /** `All Connections`, or `TCP 8080,UDP 53` (protocols in order, each with its port ranges). */
  toString(): string {
    if (this.isAll()) return 'All Connections';
    if (this.isEmpty()) return 'No Connections';
    return PROTOCOLS.filter((p) => (this.ranges.get(p) ?? []).length)
      .map(
        (p) =>
          `${p} ${(this.ranges.get(p) ?? []).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`,
      )
      .join(',');
  }
}

function normalize(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
