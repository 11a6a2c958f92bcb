import { describe, expect, it } from 'vitest';
import { formatNetwork, parseNetwork } from './ip-address.js';
import { cidrsOf, firstFree, intersects, isSubset, spansOf, subtract } from './prefix-set.js';

const spans = (...cidrs: string[]) => spansOf(cidrs.map(parseNetwork));
const text = (version: 4 | 6, s: ReturnType<typeof spans>) => cidrsOf(version, s).map(formatNetwork);

describe('prefix sets', () => {
  it('compacts adjacent and overlapping prefixes as IPSet does', () => {
    expect(text(4, spans('10.0.1.0/24', '10.0.0.0/24', '10.0.0.128/25'))).toEqual(['10.0.0.0/23']);
    expect(text(4, spans('10.0.1.0/24', '10.0.2.0/24'))).toEqual(['10.0.1.0/24', '10.0.2.0/24']);
    expect(text(6, spans('2001:db8::/64', '2001:db8:0:1::/64'))).toEqual(['2001:db8::/63']);
  });

  it('subtracts allocations and lists what is left as CIDRs', () => {
    const left = subtract(spans('10.0.0.0/22'), spans('10.0.0.0/24', '10.0.2.0/25'));
    expect(text(4, left)).toEqual(['10.0.1.0/24', '10.0.2.128/25', '10.0.3.0/24']);
    expect(isSubset(spans('10.0.1.0/24'), spans('10.0.0.0/22'))).toBe(true);
    expect(isSubset(spans('10.0.0.0/21'), spans('10.0.0.0/22'))).toBe(false);
    expect(intersects(spans('10.0.0.0/22'), spans('10.0.3.0/24'))).toBe(true);
    expect(intersects(spans('10.0.0.0/22'), spans('10.0.4.0/24'))).toBe(false);
  });

  it('allocates best fit: the smallest free block that holds the prefix', () => {
    const free = subtract(spans('10.0.0.0/22'), spans('10.0.0.0/25'));
    expect(formatNetwork(firstFree(4, free, 26)!)).toBe('10.0.0.128/26');
    expect(formatNetwork(firstFree(4, free, 24)!)).toBe('10.0.1.0/24');
    expect(firstFree(4, free, 22)).toBeUndefined();
    expect(firstFree(4, [], 24)).toBeUndefined();
  });
});
