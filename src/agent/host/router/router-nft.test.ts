import { describe, expect, it } from 'vitest';
import { compileRouterNat } from './router-nft.js';
import type { RouterSpec } from './router-spec.js';

const base: RouterSpec = {
  id: 'r1',
  gateway: {
    portId: 'a1b2c3d4-0000-4000-8000-000000000000',
    networkId: 'net-ext',
    mac: 'fa:16:3e:00:00:10',
    mtu: 1500,
    addresses: [{ ip: '172.24.4.10', prefixLength: 24 }],
    nextHop: '172.24.4.1',
    snat: true,
  },
  interfaces: [
    {
      portId: 'p1',
      networkId: 'net-a',
      mac: 'fa:16:3e:00:00:01',
      mtu: 1450,
      addresses: [{ ip: '10.0.0.1', prefixLength: 26 }],
    },
    {
      portId: 'p2',
      networkId: 'net-b',
      mac: 'fa:16:3e:00:00:02',
      mtu: 1450,
      addresses: [
        { ip: '10.0.1.1', prefixLength: 24 },
        { ip: 'fd00::1', prefixLength: 64 },
      ],
    },
  ],
  routes: [],
  floatingIps: [],
};

describe('compileRouterNat', () => {
  it('replaces the table in one transaction', () => {
    const text = compileRouterNat(base);
    expect(text.split('\n').slice(0, 3)).toEqual([
      'table ip strata-router',
      'delete table ip strata-router',
      'table ip strata-router {',
    ]);
  });

  it('SNATs the internal subnets (not IPv6) to the gateway address, only out of the gateway', () => {
    const text = compileRouterNat(base);
    expect(text).toContain(
      'set internal { type ipv4_addr; flags interval; elements = { 10.0.0.0/26, 10.0.1.0/24 }; }',
    );
    expect(text).toContain('oifname "qg-a1b2c3d4-00" ip saddr @internal snat to 172.24.4.10');
  });

  it('SNATs internal traffic to a floating IP (hairpin) to the gateway address, first', () => {
    const text = compileRouterNat({ ...base, gateway: { ...base.gateway!, snat: false } });
    const rule = 'ip saddr @internal ct status dnat snat to 172.24.4.10';
    expect(text).toContain(rule);
    expect(text.indexOf(rule)).toBeLessThan(text.indexOf('@fip-snat\n'));
  });

  it('has no SNAT rule with enable_snat off, and no postrouting rule without a gateway', () => {
    const off = compileRouterNat({ ...base, gateway: { ...base.gateway!, snat: false } });
    expect(off).not.toContain('@internal snat to 172.24.4.10');
    expect(off).toContain('snat to ip saddr map @fip-snat');
    const none = compileRouterNat({ ...base, gateway: undefined });
    expect(none).not.toMatch(/snat to/);
    expect(none).toContain('dnat to ip daddr map @fip-dnat');
  });

  it('maps floating IPs 1:1 both ways', () => {
    const text = compileRouterNat({
      ...base,
      floatingIps: [
        { floatingIp: '172.24.4.20', fixedIp: '10.0.0.5' },
        { floatingIp: '172.24.4.21', fixedIp: '10.0.1.7' },
      ],
    });
    expect(text).toContain(
      'map fip-dnat { type ipv4_addr : ipv4_addr; elements = { 172.24.4.20 : 10.0.0.5, 172.24.4.21 : 10.0.1.7 }; }',
    );
    expect(text).toContain(
      'map fip-snat { type ipv4_addr : ipv4_addr; elements = { 10.0.0.5 : 172.24.4.20, 10.0.1.7 : 172.24.4.21 }; }',
    );
    // Floating IP SNAT comes before the gateway's, so a port with one leaves as it.
    expect(text.indexOf('@fip-snat\n')).toBeLessThan(text.indexOf('@internal snat to 172.24.4.10'));
  });

  it('writes empty sets and maps without elements', () => {
    const text = compileRouterNat({ ...base, interfaces: [] });
    expect(text).toContain('set internal { type ipv4_addr; flags interval; }');
    expect(text).toContain('map fip-dnat { type ipv4_addr : ipv4_addr; }');
  });
});
