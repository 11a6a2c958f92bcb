import { describe, expect, it } from 'vitest';
import { expectedUsage } from './soak-invariants.js';

const sizes = new Map([
  ['small', { vcpus: 1, ram: 128, disk: 1 }],
  ['vm', { vcpus: 1, ram: 512, disk: 1 }],
]);
const server = (id: string, flavor: string, host: string | null = 'h1') => ({
  id,
  flavor: { id: flavor },
  'OS-EXT-SRV-ATTR:host': host,
});

describe('expectedUsage', () => {
  it("sums each placed server's own flavor", () => {
    const got = expectedUsage([server('a', 'small'), server('b', 'vm'), server('c', 'small')], sizes);
    expect(got).toEqual({ usage: { VCPU: 3, MEMORY_MB: 768, DISK_GB: 3 }, unknown: [] });
  });

  it('leaves out servers on no host (placement holds nothing for them)', () => {
    const got = expectedUsage([server('a', 'vm', null), server('b', 'small')], sizes);
    expect(got.usage).toEqual({ VCPU: 1, MEMORY_MB: 128, DISK_GB: 1 });
  });

  it("names a server whose flavor is not one of the soak's", () => {
    const got = expectedUsage([server('x', 'other')], sizes);
    expect(got.unknown).toEqual(["server x has flavor other, not one of the soak's"]);
    expect(got.usage).toEqual({ VCPU: 0, MEMORY_MB: 0, DISK_GB: 0 });
  });
});
