import type { IndexedPort, PortFilter } from './nft-port-filter.js';
import type { NftChain, NftSet, NftTable } from './nft-table.js';

const isV6 = (addr: string) => addr.includes(':');

/** The IPv6 link-local address a MAC makes by EUI-64 (what the guest's kernel will use). */
export function linkLocalOf(mac: string): string {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  const eui = [(b[0] ?? 0) ^ 2, b[1], b[2], 0xff, 0xfe, b[3], b[4], b[5]] as number[];
  const groups = [0, 2, 4, 6].map((i) => (((eui[i] ?? 0) << 8) | (eui[i + 1] ?? 0)).toString(16));
  return `fe80::${groups.join(':')}`;
}

/** The (MAC, address) pairs a port may send from: its fixed IPs and its allowed address pairs. */
function allowedSources(p: PortFilter): Array<readonly [string, string]> {
  const mac = p.mac.toLowerCase();
  return [
    ...p.fixedIps.map((ip) => [mac, ip] as const),
    [mac, linkLocalOf(mac)] as const,
    ...p.allowedAddressPairs.map((a) => [(a.mac_address ?? mac).toLowerCase(), a.ip_address] as const),
  ];
}

function spoofSets(p: PortFilter): Array<[string, NftSet]> {
  const pairs = allowedSources(p);
  const macs = [...new Set(pairs.map(([m]) => m))];
  const of = (v6: boolean) => pairs.filter(([, ip]) => isV6(ip) === v6).map(([m, ip]) => `${m} . ${ip}`);
  return [
    [`mac-${p.portId}`, { head: 'type ether_addr;', elements: macs }],
    [`v4-${p.portId}`, { head: 'type ether_addr . ipv4_addr; flags interval;', elements: of(false) }],
    [`v6-${p.portId}`, { head: 'type ether_addr . ipv6_addr; flags interval;', elements: of(true) }],
  ];
}

/**
 * A port's anti-spoofing chain: frames from it must carry one of its MACs, and ARP, IPv4 and
 * IPv6 one of its (MAC, address) pairs; DHCP discovery (from 0.0.0.0) and IPv6 DAD (from ::)
 * pass; acting as a DHCP server or IPv6 router is refused; any other ethertype is dropped.
 */
function spoofChain(p: PortFilter, index: number): [string, NftChain] {
  const id = p.portId;
  return [
    `spoof-${id}`,
    {
      rules: [
        `meta mark set ${index}`,
        `ether saddr != @mac-${id} drop`,
        `arp saddr ether . arp saddr ip != @v4-${id} drop`,
        'ip saddr 0.0.0.0 udp sport 68 udp dport 67 accept',
        'ip6 saddr :: icmpv6 type { nd-neighbor-solicit, nd-router-solicit, mld2-listener-report } accept',
        `ether saddr . ip saddr != @v4-${id} drop`,
        `ether saddr . ip6 saddr != @v6-${id} drop`,
        'udp sport 67 udp dport 68 drop',
        'udp sport 547 udp dport 546 drop',
        'icmpv6 type nd-router-advert drop',
        'ether type { ip, ip6, arp } accept',
        'drop',
      ],
    },
  ];
}

/** At forward, frames to a port get its index in the mark's high half. */
function markChain({ port, index }: IndexedPort): [string, NftChain] {
  const high = `0x${((index << 16) >>> 0).toString(16).padStart(8, '0')}`;
  return [`mark-${port.portId}`, { rules: [`meta mark set meta mark & 0x0000ffff | ${high}`] }];
}

/**
 * The bridge table, where the bridge's ports have names: at prerouting, frames from a
 * filtered port go through its anti-spoofing chain, which also marks them with the port's
 * index; at forward, frames to a filtered port get its index in the mark's high half. The
 * inet table reads the mark (see `inetTable`). Anti-spoofing lives here because ARP never
 * reaches inet, and is stateless because this kernel's bridge family has no conntrack (no
 * nf_conntrack_bridge).
 */
export function bridgeTable(ports: ReadonlyArray<IndexedPort>, table: string): NftTable {
  const byDevice = (chain: string) =>
    new Map(ports.map(({ port }) => [`"${port.device}"`, `jump ${chain}-${port.portId}`]));
  return {
    name: `bridge ${table}`,
    sets: new Map(ports.flatMap(({ port }) => spoofSets(port))),
    chains: new Map([
      ...ports.flatMap((p) => [spoofChain(p.port, p.index), markChain(p)]),
      [
        'from-ports',
        {
          hook: 'type filter hook prerouting priority filter; policy accept;',
          rules: ['meta mark set 0', 'iifname vmap @from-port'],
        },
      ],
      [
        'to-ports',
        {
          hook: 'type filter hook forward priority filter; policy accept;',
          rules: ['oifname vmap @to-port'],
        },
      ],
    ]),
    maps: new Map([
      ['from-port', { head: 'type ifname : verdict;', elements: byDevice('spoof') }],
      ['to-port', { head: 'type ifname : verdict;', elements: byDevice('mark') }],
    ]),
  };
}
