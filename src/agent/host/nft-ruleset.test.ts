import { describe, expect, it } from 'vitest';
import {
  compileAddressGroupUpdate,
  compileGroupMembersUpdate,
  compileRuleset,
  zoneOf,
} from './nft-ruleset.js';
import type { PortFilter } from './nft-ruleset.js';
import { securityRule as rule } from './nft-rules.js';
import { linkLocalOf } from './nft-spoofing.js';

const port = (o: Partial<PortFilter>): PortFilter => ({
  portId: 'p1',
  device: 'tapp1',
  bridge: 'brq0c0ffee0-aa',
  mac: 'FA:16:3E:00:00:01',
  fixedIps: ['10.0.0.5'],
  allowedAddressPairs: [],
  portSecurityEnabled: true,
  rules: [],
  ...o,
});

const lines = (text: string) => text.split('\n').map((l) => l.trim());

describe('nft-ruleset', () => {
  it('replaces both Strata tables in one transaction', () => {
    const text = compileRuleset([], new Map());
    expect(lines(text).slice(0, 4)).toEqual([
      'add table inet strata',
      'delete table inet strata',
      'add table bridge strata',
      'delete table bridge strata',
    ]);
    expect(text).toContain('map from-port { type ifname : verdict; }');
  });

  it('puts rules of a class into one set per source, looked up once', () => {
    const text = compileRuleset(
      [
        port({
          rules: [
            rule({
              protocol: 'tcp',
              port_range_min: 22,
              port_range_max: 22,
              remote_ip_prefix: '10.1.0.0/24',
            }),
            rule({ protocol: '6', port_range_min: 1000, port_range_max: 2000 }),
            rule({ protocol: 'udp', port_range_min: 53, port_range_max: 53 }),
          ],
        }),
      ],
      new Map(),
    );
    expect(text).toContain(
      'set in-p1-v4-ports-net { type ipv4_addr . inet_proto . inet_service; flags interval; elements = { 10.1.0.0/24 . 6 . 22, 0.0.0.0/0 . 6 . 1000-2000, 0.0.0.0/0 . 17 . 53 }; }',
    );
    expect(lines(text)).toContain('ip saddr . meta l4proto . th dport @in-p1-v4-ports-net accept');
    expect(lines(text).filter((l) => l.includes('th dport'))).toHaveLength(1);
  });

  it('matches ICMP type and code, and any protocol by the protocol alone', () => {
    const text = compileRuleset(
      [
        port({
          rules: [
            rule({ protocol: 'icmp', port_range_min: 8 }),
            rule({ protocol: 'icmp', ethertype: 'IPv6', port_range_min: 128, port_range_max: 0 }),
            rule({ protocol: 'icmp' }),
            rule({ direction: 'egress' }),
          ],
        }),
      ],
      new Map(),
    );
    expect(text).toContain(
      'set in-p1-v4-icmp-net { type ipv4_addr . icmp_type . icmp_code; flags interval; elements = { 0.0.0.0/0 . 8 . 0-255 }; }',
    );
    expect(text).toContain('elements = { ::/0 . 128 . 0 }');
    expect(text).toContain(
      'set in-p1-v4-proto-net { type ipv4_addr . inet_proto; flags interval; elements = { 0.0.0.0/0 . 1 }; }',
    );
    expect(text).toContain(
      'set out-p1-v4-proto-net { type ipv4_addr . inet_proto; flags interval; elements = { 0.0.0.0/0 . 0-255 }; }',
    );
    expect(lines(text)).toContain('ip daddr . meta l4proto @out-p1-v4-proto-net return');
  });

  it('expands a remote group through its named set, and admits nobody for an unknown group', () => {
    const rules = [rule({ protocol: 'tcp', port_range_min: 80, port_range_max: 80, remote_group_id: 'g1' })];
    const known = compileRuleset([port({ rules })], new Map([['g1', ['10.0.0.7', 'fd00::7']]]));
    expect(known).toContain(
      'set rg-g1-v4 { type ipv4_addr; flags interval; auto-merge; elements = { 10.0.0.7 }; }',
    );
    expect(known).toContain(
      'set rg-g1-v6 { type ipv6_addr; flags interval; auto-merge; elements = { fd00::7 }; }',
    );
    expect(lines(known)).toContain('ip saddr @rg-g1-v4 meta l4proto . th dport @in-p1-v4-ports-g1 accept');
    const unknown = compileRuleset([port({ rules })], new Map());
    expect(unknown).not.toContain('@in-p1-v4-ports-g1');
  });

  it('drops by default, after replies and IP control traffic', () => {
    const chain = lines(compileRuleset([port({})], new Map()));
    const start = chain.indexOf('chain in-p1 {');
    expect(chain.slice(start + 1, start + 3)).toEqual([
      'ct state established,related accept',
      'ct state invalid drop',
    ]);
    expect(chain[chain.indexOf('}', start) - 1]).toBe('drop');
    const egress = chain.indexOf('chain out-p1 {');
    expect(chain[egress + 1]).toBe('ct state established,related return');
    expect(chain[chain.indexOf('}', egress) - 1]).toBe('drop');
  });

  it('dispatches on the port indexes the bridge table marks packets with', () => {
    const text = compileRuleset(
      [
        port({ portSecurityEnabled: false }),
        port({ portId: 'p2', device: 'tapp2' }),
        port({ portId: 'p3', device: 'tapp3' }),
      ],
      new Map(),
    );
    const l = lines(text);
    expect(l).toContain(
      'map from-port { type mark : verdict; elements = { 0x00000001 : jump out-p2, 0x00000002 : jump out-p3 }; }',
    );
    expect(l).toContain(
      'map to-port { type mark : verdict; elements = { 0x00010000 : jump in-p2, 0x00020000 : jump in-p3 }; }',
    );
    expect(l).toContain(
      'map from-port { type ifname : verdict; elements = { "tapp2" : jump spoof-p2, "tapp3" : jump spoof-p3 }; }',
    );
    expect(l).toContain(
      'map to-port { type ifname : verdict; elements = { "tapp2" : jump mark-p2, "tapp3" : jump mark-p3 }; }',
    );
    expect(l[l.indexOf('chain spoof-p3 {') + 1]).toBe('meta mark set 2');
    expect(l[l.indexOf('chain mark-p3 {') + 1]).toBe('meta mark set meta mark & 0x0000ffff | 0x00020000');
    expect(l).toContain('meta mark & 0x0000ffff vmap @from-port');
  });

  it('gives each bridge its own conntrack zone, the same on every rewrite', () => {
    const l = lines(
      compileRuleset(
        [port({}), port({ portId: 'p2', device: 'tapp2', bridge: 'brq11111111-22' })],
        new Map(),
      ),
    );
    expect(l).toContain(
      `map zones { typeof iifname : ct zone; elements = { "brq0c0ffee0-aa" : ${zoneOf('brq0c0ffee0-aa')}, "brq11111111-22" : ${zoneOf('brq11111111-22')} }; }`,
    );
    expect(zoneOf('brq0c0ffee0-aa')).not.toBe(zoneOf('brq11111111-22'));
    expect(zoneOf('brq0c0ffee0-aa')).toBeGreaterThan(0);
    expect(l).toContain('ct zone set iifname map @zones');
  });

  it('checks source MAC and addresses, with allowed address pairs', () => {
    const text = compileRuleset(
      [
        port({
          allowedAddressPairs: [
            { ip_address: '10.0.9.0/24' },
            { ip_address: '10.0.8.8', mac_address: 'fa:16:3e:aa:aa:aa' },
          ],
        }),
      ],
      new Map(),
    );
    expect(text).toContain(
      'set mac-p1 { type ether_addr; elements = { fa:16:3e:00:00:01, fa:16:3e:aa:aa:aa }; }',
    );
    expect(text).toContain(
      'elements = { fa:16:3e:00:00:01 . 10.0.0.5, fa:16:3e:00:00:01 . 10.0.9.0/24, fa:16:3e:aa:aa:aa . 10.0.8.8 }',
    );
    expect(text).toContain(`fa:16:3e:00:00:01 . ${linkLocalOf('fa:16:3e:00:00:01')}`);
    expect(lines(text)).toContain('ether saddr . ip saddr != @v4-p1 drop');
    expect(lines(text)).toContain('arp saddr ether . arp saddr ip != @v4-p1 drop');
  });

  it('leaves a port without port security out of every table', () => {
    const text = compileRuleset([port({ portSecurityEnabled: false, rules: [rule({})] })], new Map());
    expect(text).not.toContain('p1');
  });

  it('derives the EUI-64 link-local address', () => {
    expect(linkLocalOf('fa:16:3e:00:00:01')).toBe('fe80::f816:3eff:fe00:1');
  });

  it('updates a remote group by flushing and refilling its sets', () => {
    expect(compileGroupMembersUpdate('g1', ['10.0.0.7', '10.0.0.8'])).toBe(
      [
        'flush set inet strata rg-g1-v4',
        'add element inet strata rg-g1-v4 { 10.0.0.7, 10.0.0.8 }',
        'flush set inet strata rg-g1-v6',
        '',
      ].join('\n'),
    );
  });

  it("matches an address group's CIDRs through its own set per family", () => {
    const fromGroup = {
      protocol: 'tcp',
      port_range_min: 22,
      port_range_max: 22,
      remote_address_group_id: 'x1',
    };
    const text = compileRuleset(
      [
        port({
          rules: [
            rule(fromGroup),
            rule({ ...fromGroup, ethertype: 'IPv6' }),
            rule({ remote_address_group_id: 'x2' }),
          ],
        }),
      ],
      new Map(),
      new Map([['x1', ['10.8.0.0/16', '2001:db8::/64', '10.9.0.0/24']]]),
    );
    expect(lines(text)).toContain(
      'set ag-x1-v4 { type ipv4_addr; flags interval; auto-merge; elements = { 10.8.0.0/16, 10.9.0.0/24 }; }',
    );
    expect(lines(text)).toContain(
      'set ag-x1-v6 { type ipv6_addr; flags interval; auto-merge; elements = { 2001:db8::/64 }; }',
    );
    expect(lines(text)).toContain('ip saddr @ag-x1-v4 meta l4proto . th dport @in-p1-v4-ports-ag-x1 accept');
    expect(lines(text)).toContain('ip6 saddr @ag-x1-v6 meta l4proto . th dport @in-p1-v6-ports-ag-x1 accept');
    // A group the agent was not told of admits nobody.
    expect(text).not.toContain('x2');
  });

  it('updates an address group by flushing and refilling its sets', () => {
    expect(compileAddressGroupUpdate('x1', ['10.0.0.0/8', 'fd00::/8'])).toBe(
      [
        'flush set inet strata ag-x1-v4',
        'add element inet strata ag-x1-v4 { 10.0.0.0/8 }',
        'flush set inet strata ag-x1-v6',
        'add element inet strata ag-x1-v6 { fd00::/8 }',
        '',
      ].join('\n'),
    );
  });
});
