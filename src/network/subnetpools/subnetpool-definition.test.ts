import { describe, expect, it } from 'vitest';
import { readPool } from './subnetpool-definition.js';

const message = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
};

describe("a subnet pool read as Neutron's SubnetPoolReader reads it", () => {
  it('derives the family and its default bounds, and compacts the prefixes', () => {
    expect(readPool({ prefixes: ['10.0.1.0/24', '10.0.0.0/24', '10.0.0.0/25'] })).toMatchObject({
      ipVersion: 4,
      prefixes: ['10.0.0.0/23'],
      minPrefixlen: 8,
      maxPrefixlen: 32,
      defaultPrefixlen: 8,
    });
    expect(readPool({ prefixes: ['2001:db8::/48'], defaultPrefixlen: 80 })).toMatchObject({
      ipVersion: 6,
      minPrefixlen: 64,
      maxPrefixlen: 128,
      defaultPrefixlen: 80,
    });
  });

  it('refuses empty, mixed and out-of-bounds pools in order', () => {
    expect(message(() => readPool({ prefixes: [] }))).toBe('Empty subnet pool prefix list.');
    expect(message(() => readPool({ prefixes: ['10.0.0.0/8', '::/64'] }))).toBe(
      'Cannot mix IPv4 and IPv6 prefixes in a subnet pool.',
    );
    expect(message(() => readPool({ prefixes: ['10.0.0.0/8'], minPrefixlen: 24, maxPrefixlen: 20 }))).toBe(
      'Illegal prefix bounds: min_prefixlen=24, max_prefixlen=20.',
    );
    expect(
      message(() => readPool({ prefixes: ['10.0.0.0/8'], defaultPrefixlen: 30, maxPrefixlen: 28 })),
    ).toBe('Illegal prefix bounds: default_prefixlen=30, max_prefixlen=28.');
    expect(message(() => readPool({ prefixes: ['2001:db8::/48'], maxPrefixlen: 129 }))).toBe(
      'Illegal prefix bounds: max_prefixlen=129, ip_version_max=128.',
    );
  });
});
