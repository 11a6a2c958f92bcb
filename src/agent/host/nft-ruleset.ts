import { createHash } from 'node:crypto';
import { addressGroupSource, compileRules, lookupKey, setType } from './nft-rules.js';
import { bridgeTable } from './nft-spoofing.js';
import { tableText } from './nft-table.js';
import type { NftChain, NftSet, NftTable } from './nft-table.js';
import type { Family, RuleClass, SecurityRule } from './nft-rules.js';
import type { IndexedPort, PortFilter } from './nft-port-filter.js';

export type { AllowedAddressPair, IndexedPort, PortFilter } from './nft-port-filter.js';

/** The host tables' name unless a cloud has its own (cloud-host-names.ts). */
export const defaultTableName = 'strata';

/** Strata's tables: stateful security group rules (inet) and L2 anti-spoofing (bridge). */
export function strataTablesNamed(name = defaultTableName): ReadonlyArray<string> {
  return [`inet ${name}`, `bridge ${name}`];
}

/** The most ports one host filters: a port's index takes half of the 32-bit packet mark. */
export const maxFilteredPorts = 0xffff;

const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/**
 * A conntrack zone per bridge, so two networks' overlapping addresses never share a
 * connection. br_netfilter gives the bridge as `iifname` at inet prerouting. The zone is a
 * hash of the bridge's name, stable across rewrites so live connections keep their state.
 */
export function zoneOf(bridge: string): number {
  return (createHash('sha256').update(bridge).digest().readUInt16BE(0) % 0xfffe) + 1;
}

function zonesOf(ports: ReadonlyArray<IndexedPort>): Map<string, string> {
  return new Map(
    [...new Set(ports.map(({ port }) => port.bridge))].map((b) => [`"${b}"`, String(zoneOf(b))]),
  );
}

/**
 * Numbers the ports with port security (the others are not filtered at all): by `indexOf`
 * when given (stable numbers, so a change leaves other ports' marks alone), else in order.
 */
export function indexPorts(
  ports: ReadonlyArray<PortFilter>,
  indexOf?: (portId: string) => number,
): IndexedPort[] {
  const filtered = ports.filter((p) => p.portSecurityEnabled);
  if (filtered.length > maxFilteredPorts)
    throw new Error(`more than ${maxFilteredPorts} filtered ports on one host`);
  return filtered.map((port, i) => ({ port, index: indexOf?.(port.portId) ?? i + 1 }));
}

/** The addresses of a remote group's members (fixed IPs and allowed address pairs). */
export type GroupMembers = ReadonlyMap<string, ReadonlyArray<string>>;

const families: ReadonlyArray<Family> = ['v4', 'v6'];

const isV6 = (addr: string) => addr.includes(':');

/** The name of a remote group's address set in the inet table. */
export function groupSetName(groupId: string, family: Family): string {
  return `rg-${groupId}-${family}`;
}

/** The name of an address group's CIDR set in the inet table. */
export function addressGroupSetName(addressGroupId: string, family: Family): string {
  return `ag-${addressGroupId}-${family}`;
}

/** The remote address sets: one per family and group, IPv4 and IPv6 addresses apart. */
function addressSets(
  members: GroupMembers,
  nameOf: (id: string, f: Family) => string,
): Array<[string, NftSet]> {
  return [...members].flatMap(([id, addrs]) =>
    families.map((f): [string, NftSet] => {
      const type = f === 'v6' ? 'ipv6_addr' : 'ipv4_addr';
      const mine = addrs.filter((a) => isV6(a) === (f === 'v6'));
      return [nameOf(id, f), { head: `type ${type}; flags interval; auto-merge;`, elements: mine }];
    }),
  );
}

/** The remote sets a port's rule sets are checked against: remote groups' members, address groups' CIDRs. */
interface RemoteSets {
  readonly members: GroupMembers;
  readonly addressGroups: GroupMembers;
}

/** The address set of a rule source (not `prefix`); undefined when the agent knows nothing of it. */
function remoteSetOf(source: string, family: Family, remotes: RemoteSets): string | undefined {
  if (source.startsWith(addressGroupSource)) {
    const id = source.slice(addressGroupSource.length);
    return remotes.addressGroups.has(id) ? addressGroupSetName(id, family) : undefined;
  }
  return remotes.members.has(source) ? groupSetName(source, family) : undefined;
}

/**
 * Egress is checked first and, when allowed, returns so that the ingress chain of the port
 * the packet goes to (on the same bridge) still has its say; ingress ends the hook.
 */
const verdictOf = (direction: SecurityRule['direction']) => (direction === 'ingress' ? 'accept' : 'return');

/** The chain of one direction of a port and the rule sets it looks up. */
function ruleChain(
  port: PortFilter,
  direction: SecurityRule['direction'],
  remotes: RemoteSets,
): { sets: Array<[string, NftSet]>; chain: [string, NftChain] } {
  const prefix = direction === 'ingress' ? 'in' : 'out';
  const verdict = verdictOf(direction);
  const remote = direction === 'ingress' ? 'saddr' : 'daddr';
  const sets: Array<[string, NftSet]> = [];
  const rules: string[] = [];
  for (const family of families) {
    const { elements } = compileRules(port.rules, direction, family);
    for (const [k, els] of elements) {
      const [source = 'prefix', cls] = k.split('|') as [string, RuleClass];
      const withAddress = source === 'prefix';
      // A remote group (or address group) the agent knows nothing of admits nobody.
      const remoteSet = withAddress ? undefined : remoteSetOf(source, family, remotes);
      if (!withAddress && remoteSet === undefined) continue;
      const name = `${prefix}-${port.portId}-${family}-${cls}-${withAddress ? 'net' : source}`;
      sets.push([
        name,
        { head: `type ${setType(cls, family, withAddress)}; flags interval;`, elements: els },
      ]);
      const addr = withAddress ? '' : `${family === 'v6' ? 'ip6' : 'ip'} ${remote} @${remoteSet} `;
      rules.push(`${addr}${lookupKey(cls, family, remote, withAddress)} @${name} ${verdict}`);
    }
  }
  return {
    sets,
    chain: [`${prefix}-${port.portId}`, { rules: [...fixedHead(direction), ...rules, 'drop'] }],
  };
}

/** What every port lets through before its groups: replies, and the control traffic IP needs. */
function fixedHead(direction: SecurityRule['direction']): string[] {
  const verdict = verdictOf(direction);
  const nd =
    direction === 'ingress'
      ? 'nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert, mld-listener-query'
      : 'nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, mld2-listener-report';
  const dhcp = direction === 'ingress' ? 'udp sport 67 udp dport 68' : 'udp sport 68 udp dport 67';
  const dhcp6 = direction === 'ingress' ? 'udp sport 547 udp dport 546' : 'udp sport 546 udp dport 547';
  return [
    `ct state established,related ${verdict}`,
    'ct state invalid drop',
    `icmpv6 type { ${nd} } ${verdict}`,
    `meta nfproto ipv4 ${dhcp} ${verdict}`,
    `meta nfproto ipv6 ${dhcp6} ${verdict}`,
  ];
}

/**
 * The inet table, where br_netfilter hands bridged IP packets with conntrack: per port an
 * ingress chain (to the port) and an egress chain (from it). br_netfilter names only the
 * bridge there, not its ports, so the bridge table marks each packet with the index of its
 * input port (low 16 bits) and output port (high 16 bits); verdict maps keyed by those halves
 * pick the chains in one lookup each, however many ports there are.
 */
function inetTable(ports: ReadonlyArray<IndexedPort>, remotes: RemoteSets, table: string): NftTable {
  const map = (prefix: string, shift: number) =>
    new Map(ports.map(({ port, index }) => [hex(index << shift), `jump ${prefix}-${port.portId}`]));
  const parts = ports.flatMap(({ port }) => [
    ruleChain(port, 'ingress', remotes),
    ruleChain(port, 'egress', remotes),
  ]);
  return {
    name: `inet ${table}`,
    sets: new Map([
      ...addressSets(remotes.members, groupSetName),
      ...addressSets(remotes.addressGroups, addressGroupSetName),
      ...parts.flatMap((p) => p.sets),
    ]),
    chains: new Map([
      ...parts.map((p) => p.chain),
      [
        'zone',
        {
          hook: 'type filter hook prerouting priority raw; policy accept;',
          rules: ['ct zone set iifname map @zones'],
        },
      ],
      [
        'port-filter',
        {
          hook: 'type filter hook forward priority filter; policy accept;',
          rules: ['meta mark & 0x0000ffff vmap @from-port', 'meta mark & 0xffff0000 vmap @to-port'],
        },
      ],
    ]),
    maps: new Map([
      ['from-port', { head: 'type mark : verdict;', elements: map('out', 0) }],
      ['to-port', { head: 'type mark : verdict;', elements: map('in', 16) }],
      ['zones', { head: 'typeof iifname : ct zone;', elements: zonesOf(ports) }],
    ]),
  };
}

/** Both of Strata's tables for these ports, as data (see nft-table.ts). */
export function compileTables(
  ports: ReadonlyArray<IndexedPort>,
  members: GroupMembers,
  addressGroups: GroupMembers = new Map(),
  table = defaultTableName,
): NftTable[] {
  return [inetTable(ports, { members, addressGroups }, table), bridgeTable(ports, table)];
}

/** A transaction that deletes `tables` (created first, so either may be missing) and writes them. */
export function rewriteText(tables: ReadonlyArray<NftTable>): string {
  const reset = tables.flatMap((t) => [`add table ${t.name}`, `delete table ${t.name}`]);
  return [...reset, ...tables.flatMap(tableText), ''].join('\n');
}

/**
 * The whole of Strata's filtering on a host as one `nft -f` transaction: both tables are
 * created if missing, deleted, and written again, so the kernel swaps old for new at once
 * (no packet sees half a change) and whatever was there (a flush, a stale port) is replaced.
 */
export function compileRuleset(
  ports: ReadonlyArray<PortFilter>,
  members: GroupMembers,
  addressGroups: GroupMembers = new Map(),
): string {
  return rewriteText(compileTables(indexPorts(ports), members, addressGroups));
}

/** A transaction that only replaces the members of a remote group (a port joined or left it). */
export function compileGroupMembersUpdate(groupId: string, addrs: ReadonlyArray<string>): string {
  return setsUpdate((f) => groupSetName(groupId, f), addrs);
}

/** A transaction that only replaces an address group's CIDRs (addresses added or removed). */
export function compileAddressGroupUpdate(addressGroupId: string, cidrs: ReadonlyArray<string>): string {
  return setsUpdate((f) => addressGroupSetName(addressGroupId, f), cidrs);
}

function setsUpdate(nameOf: (f: Family) => string, addrs: ReadonlyArray<string>): string {
  return families
    .flatMap((f) => {
      const name = `inet strata ${nameOf(f)}`;
      const mine = addrs.filter((a) => isV6(a) === (f === 'v6'));
      return [
        `flush set ${name}`,
        ...(mine.length === 0 ? [] : [`add element ${name} { ${mine.join(', ')} }`]),
      ];
    })
    .concat('')
    .join('\n');
}
