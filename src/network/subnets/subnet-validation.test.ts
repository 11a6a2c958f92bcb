import { describe, expect, it } from 'vitest';
import type { SubnetRequest } from './subnet-validation.js';
import { layoutSubnet } from './subnet-validation.js';

const v4 = (over: Partial<SubnetRequest> = {}): SubnetRequest => ({
  ipVersion: 4,
  cidr: '192.168.0.0/24',
  gatewayIp: undefined,
  allocationPools: undefined,
  dnsNameservers: [],
  hostRoutes: [],
  enableDhcp: true,
  ipv6RaMode: null,
  ipv6AddressMode: null,
  ...over,
});

describe('subnet layout (Neutron IPAM rules)', () => {
  it('splits the default pool around a gateway in the middle', () => {
    expect(layoutSubnet(v4({ gatewayIp: '192.168.0.100' })).allocationPools).toEqual([
      { start: '192.168.0.1', end: '192.168.0.99' },
      { start: '192.168.0.101', end: '192.168.0.254' },
    ]);
  });

  it('uses the whole host range without a gateway, and IPv6 up to the last address', () => {
    expect(layoutSubnet(v4({ gatewayIp: null })).allocationPools).toEqual([
      { start: '192.168.0.1', end: '192.168.0.254' },
    ]);
    const v6 = layoutSubnet(v4({ ipVersion: 6, cidr: '2001:db8::/120' }));
    expect(v6.gatewayIp).toBe('2001:db8::1');
    expect(v6.allocationPools).toEqual([{ start: '2001:db8::2', end: '2001:db8::ff' }]);
  });

  it('refuses the network and broadcast addresses as gateway, and accepts one outside the CIDR', () => {
    expect(() => layoutSubnet(v4({ gatewayIp: '192.168.0.255' }))).toThrow(
      'Invalid input for operation: Gateway is not valid on subnet.',
    );
    expect(layoutSubnet(v4({ gatewayIp: '10.0.0.1' })).gatewayIp).toBe('10.0.0.1');
  });

  it('refuses overlapping, reversed and out-of-range pools with Neutron wording', () => {
    const pools = (p: Array<{ start: string; end: string }>) => () =>
      layoutSubnet(v4({ gatewayIp: null, allocationPools: p }));
    expect(
      pools([
        { start: '192.168.0.10', end: '192.168.0.20' },
        { start: '192.168.0.20', end: '192.168.0.30' },
      ]),
    ).toThrow(
      'Found overlapping allocation pools: 192.168.0.10-192.168.0.20 192.168.0.20-192.168.0.30 for subnet 192.168.0.0/24.',
    );
    expect(pools([{ start: '192.168.0.9', end: '192.168.0.2' }])).toThrow(
      'The allocation pool 192.168.0.9-192.168.0.2 is not valid.',
    );
    expect(pools([{ start: '192.168.0.1', end: '192.168.0.255' }])).toThrow('spans beyond the subnet cidr');
  });

  it('checks the IP version of the CIDR, nameservers and DHCP prefix limits', () => {
    expect(() => layoutSubnet(v4({ ipVersion: 6 }))).toThrow(
      "cidr '192.168.0.0/24' does not match the ip_version '6'",
    );
    expect(() => layoutSubnet(v4({ dnsNameservers: ['2001:db8::53'] }))).toThrow(
      "dns_nameserver '2001:db8::53' does not match the ip_version '4'",
    );
    expect(() => layoutSubnet(v4({ cidr: '192.168.0.0/31' }))).toThrow(
      'incompatible with DHCP service enabled',
    );
    expect(
      layoutSubnet(v4({ cidr: '192.168.0.0/31', enableDhcp: false, gatewayIp: null })).allocationPools,
    ).toEqual([]);
  });
});
