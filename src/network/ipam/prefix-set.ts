import type { IpNetwork } from './ip-address.js';

/**
 * Sets of addresses as sorted, disjoint, non-adjacent ranges, for subnet pools: the
 * compacted prefix list, what is left after allocated subnets, and overlap tests (what
 * Neutron does with netaddr.IPSet).
 */
export interface Span {
  readonly start: bigint;
  readonly end: bigint;
}

const bits = (version: 4 | 6) => (version === 4 ? 32 : 128);

export function spansOf(networks: ReadonlyArray<IpNetwork>): Span[] {
  const sorted = networks
    .map((n) => ({ start: n.network, end: n.last }))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s.start <= last.end + 1n) {
      if (s.end > last.end) out[out.length - 1] = { start: last.start, end: s.end };
    } else out.push(s);
  }
  return out;
}

/** `a` without the addresses of `b`. */
export function subtract(a: ReadonlyArray<Span>, b: ReadonlyArray<Span>): Span[] {
  let rest = [...a];
  for (const cut of b) {
    rest = rest.flatMap((s) => {
      if (cut.end < s.start || cut.start > s.end) return [s];
      const parts: Span[] = [];
      if (cut.start > s.start) parts.push({ start: s.start, end: cut.start - 1n });
      if (cut.end < s.end) parts.push({ start: cut.end + 1n, end: s.end });
      return parts;
    });
  }
  return rest;
}

export function intersects(a: ReadonlyArray<Span>, b: ReadonlyArray<Span>): boolean {
  return a.some((x) => b.some((y) => x.start <= y.end && y.start <= x.end));
}

export function isSubset(a: ReadonlyArray<Span>, b: ReadonlyArray<Span>): boolean {
  return subtract(a, b).length === 0;
}

/** The fewest CIDRs covering the spans exactly, in address order (IPSet.iter_cidrs). */
export function cidrsOf(version: 4 | 6, spans: ReadonlyArray<Span>): IpNetwork[] {
  const width = bits(version);
  const out: IpNetwork[] = [];
  for (const span of spans) {
    let start = span.start;
    while (start <= span.end) {
      let size = width;
      // Widen while the block stays aligned on `start` and inside the span.
      while (size > 0) {
        const block = 1n << BigInt(width - size + 1);
        if (start % block !== 0n || start + block - 1n > span.end) break;
        size--;
      }
      const last = start + (1n << BigInt(width - size)) - 1n;
      out.push({ version, network: start, prefixLength: size, last });
      start = last + 1n;
    }
  }
  return out;
}

/**
 * The first free block of `prefixLength` as Neutron's SubnetAllocator picks it: the free
 * space's CIDRs, smallest first (best fit), and the first subnet of the first that holds one.
 */
export function firstFree(
  version: 4 | 6,
  free: ReadonlyArray<Span>,
  prefixLength: number,
): IpNetwork | undefined {
  const blocks = cidrsOf(version, free).sort((a, b) => b.prefixLength - a.prefixLength);
  const fit = blocks.find((b) => b.prefixLength <= prefixLength);
  if (fit === undefined) return undefined;
  const last = fit.network + (1n << BigInt(bits(version) - prefixLength)) - 1n;
  return { version, network: fit.network, prefixLength, last };
}
