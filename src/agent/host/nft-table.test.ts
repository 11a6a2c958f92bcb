import { describe, expect, it } from 'vitest';
import { compileTables, indexPorts } from './nft-ruleset.js';
import type { GroupMembers, PortFilter } from './nft-ruleset.js';
import type { SecurityRule } from './nft-rules.js';
import { tableDelta, tableShape, tableText } from './nft-table.js';

const tcpIn = (port: number, o: Partial<SecurityRule> = {}): SecurityRule => ({
  direction: 'ingress',
  ethertype: 'IPv4',
  protocol: 'tcp',
  port_range_min: port,
  port_range_max: port,
  remote_ip_prefix: '10.9.0.0/24',
  remote_group_id: null,
  ...o,
});

const port = (id: string, n: number, rules: SecurityRule[]): PortFilter => ({
  portId: id,
  device: `tap${id}`,
  bridge: 'brq0c0ffee0-aa',
  mac: `fa:16:3e:00:00:0${n}`,
  fixedIps: [`10.0.0.${n}`],
  allowedAddressPairs: [],
  portSecurityEnabled: true,
  rules,
});

const indexes = new Map([
  ['a1', 1],
  ['a2', 2],
  ['b1', 3],
  ['c1', 4],
]);
const tables = (ports: PortFilter[], members: GroupMembers = new Map()) =>
  compileTables(
    indexPorts(ports, (id) => indexes.get(id)!),
    members,
  );
const delta = (before: ReturnType<typeof tables>, after: ReturnType<typeof tables>) =>
  after.flatMap((t, i) => tableDelta(before[i]!, t));

// Group A (ports a1, a2) allows TCP/22, group B (port b1) TCP/80; c1 admits members of A.
const groupA = (p: number) => [tcpIn(p)];
const groupB = [tcpIn(80)];
const fromA = [tcpIn(443, { remote_ip_prefix: null, remote_group_id: 'A' })];
const hostOf = (aPort: number, members: GroupMembers = new Map([['A', ['10.0.0.1', '10.0.0.2']]])) =>
  tables(
    [port('a1', 1, groupA(aPort)), port('a2', 2, groupA(aPort)), port('b1', 3, groupB), port('c1', 4, fromA)],
    members,
  );

describe('nft-table', () => {
  it('writes nothing when nothing changed', () => {
    expect(delta(hostOf(22), hostOf(22))).toEqual([]);
  });

  it('rewrites only the sets of group A’s ports when a rule of group A changes', () => {
    const text = delta(hostOf(22), hostOf(2222));
    expect(text).toEqual([
      'flush set inet strata in-a1-v4-ports-net',
      'flush set inet strata in-a2-v4-ports-net',
      'table inet strata {',
      '  set in-a1-v4-ports-net { type ipv4_addr . inet_proto . inet_service; flags interval; elements = { 10.9.0.0/24 . 6 . 2222 }; }',
      '  set in-a2-v4-ports-net { type ipv4_addr . inet_proto . inet_service; flags interval; elements = { 10.9.0.0/24 . 6 . 2222 }; }',
      '}',
    ]);
    expect(text.join('\n')).not.toMatch(/b1|c1|bridge/);
  });

  it('refills only a remote group’s sets when its members change', () => {
    const text = delta(hostOf(22), hostOf(22, new Map([['A', ['10.0.0.1']]])));
    expect(text).toEqual([
      'flush set inet strata rg-A-v4',
      'table inet strata {',
      '  set rg-A-v4 { type ipv4_addr; flags interval; auto-merge; elements = { 10.0.0.1 }; }',
      '}',
    ]);
  });

  it('rewrites the chain of a port whose rules gain a class, and drops a set no rule uses', () => {
    const before = tables([port('a1', 1, groupA(22)), port('b1', 3, groupB)]);
    const after = tables([
      port('a1', 1, [tcpIn(22, { protocol: 'icmp', port_range_min: null, port_range_max: null })]),
      port('b1', 3, groupB),
    ]);
    const text = delta(before, after);
    expect(text.slice(0, 2)).toEqual([
      'flush chain inet strata in-a1',
      'delete set inet strata in-a1-v4-ports-net',
    ]);
    expect(text).toContain('    ip saddr . meta l4proto @in-a1-v4-proto-net accept');
    expect(text.join('\n')).not.toContain('b1');
  });

  it('takes a port away with its map elements first, then its chains, then its sets', () => {
    const before = tables([port('a1', 1, groupA(22)), port('b1', 3, groupB)]);
    const after = tables([port('a1', 1, groupA(22))]);
    const text = delta(before, after);
    const at = (line: string) => text.indexOf(line);
    expect(text).toContain('delete element inet strata from-port { 0x00000003 }');
    expect(text).toContain('delete element bridge strata from-port { "tapb1" }');
    expect(at('delete element inet strata to-port { 0x00030000 }')).toBeLessThan(
      at('flush chain inet strata in-b1'),
    );
    expect(at('flush chain inet strata in-b1')).toBeLessThan(at('delete chain inet strata in-b1'));
    expect(at('delete chain inet strata in-b1')).toBeLessThan(
      at('delete set inet strata in-b1-v4-ports-net'),
    );
    expect(text.join('\n')).not.toContain('a1');
  });

  it('adds a port with its sets and chains before the map elements that jump to them', () => {
    const before = tables([port('a1', 1, groupA(22))]);
    const text = delta(before, tables([port('a1', 1, groupA(22)), port('b1', 3, groupB)]));
    const at = (prefix: string) => text.findIndex((l) => l.startsWith(prefix));
    expect(at('  chain in-b1 {')).toBeGreaterThan(at('  set in-b1-v4-ports-net'));
    expect(at('add element inet strata to-port { 0x00030000 : jump in-b1 }')).toBeGreaterThan(
      at('  chain in-b1 {'),
    );
    expect(text).toContain('add element bridge strata to-port { "tapb1" : jump mark-b1 }');
    expect(text.join('\n')).not.toContain('a1');
  });

  it('describes the shape a terse listing shows: sets by name, chains by rule count', () => {
    const [inet] = tables([port('a1', 1, groupA(22))]);
    const shape = tableShape(inet!);
    expect(shape.get('set inet strata in-a1-v4-ports-net')).toBe(0);
    expect(shape.get('set inet strata from-port')).toBe(0);
    expect(shape.get('chain inet strata port-filter')).toBe(2);
    expect(shape.get('chain inet strata in-a1')).toBe(7);
    expect(tableText(inet!)[0]).toBe('table inet strata {');
  });
});
