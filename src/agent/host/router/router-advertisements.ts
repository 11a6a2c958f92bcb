import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { dnsmasqPidsFor, runningDnsmasq, startDnsmasq, stopDnsmasq } from '../dhcp/dnsmasq-process.js';
import { ipIn, netnsPath } from '../netns.js';
import { applyNft } from '../nft.js';
import { routerNetnsOf } from './router-spec.js';

/** Neutron's `ipv6_ra_mode` values: what the router's advertisements tell the hosts to do. */
export type Ipv6RaMode = 'slaac' | 'dhcpv6-stateful' | 'dhcpv6-stateless';

/** One IPv6 subnet the router advertises on one of its internal interfaces. */
export interface AdvertisedPrefix {
  readonly subnetId: string;
  /** The `qr-` interface in the router's namespace (it holds the subnet's gateway address). */
  readonly interfaceName: string;
  readonly cidr: string;
  readonly raMode: Ipv6RaMode;
  /** The network's MTU, advertised as the link MTU (radvd's AdvLinkMTU in Neutron). */
  readonly mtu: number;
}

/** Everything one router's advertisement daemon needs, as plain data. */
export interface RouterAdvertSpec {
  readonly routerId: string;
  readonly namePrefix?: string | undefined;
  /** Where the daemons' pid files live (`<dataDir>/ra`): one directory per router namespace. */
  readonly runDir: string;
  readonly prefixes: ReadonlyArray<AdvertisedPrefix>;
}

/** Seconds between unsolicited advertisements (radvd's MaxRtrAdvInterval in Neutron is 100). */
export const raIntervalSeconds = 30;
/** How long hosts keep the router as their default (radvd's default: 3 × the interval, and more). */
export const raRouterLifetimeSeconds = 1800;
/** Valid lifetime of the advertised prefixes. */
const prefixLifetime = '86400s';

/**
 * The dnsmasq mode that gives the flags Neutron's radvd sets per `ipv6_ra_mode`: slaac
 * advertises the prefix autonomous (A) with no M/O; dhcpv6-stateless sets O and A;
 * dhcpv6-stateful sets M (dnsmasq sets O with it, which RFC 4861 makes redundant) and
 * leaves A off, so hosts take their address from DHCPv6 only.
 */
function rangeMode(mode: Ipv6RaMode): string {
  if (mode === 'slaac') return 'ra-only';
  if (mode === 'dhcpv6-stateless') return 'ra-stateless';
  return 'static';
}

/**
 * The RA daemon's command line: dnsmasq (Debian ships no radvd here) with DNS off
 * (`--port=0`), bound to the router's internal interfaces, advertising each prefix. An
 * explicit router lifetime makes hosts take the router as default even when its own
 * namespace has no IPv6 default route. The stateless and stateful ranges also make this
 * dnsmasq a DHCPv6 server (`--dhcp-ignore` does not silence it): raTable drops its
 * answers. Pure.
 */
export function raDnsmasqArgs(spec: RouterAdvertSpec, pidFile: string): string[] {
  const ifaces = [...new Set(spec.prefixes.map((p) => p.interfaceName))].sort();
  const ranges = spec.prefixes.map((p) => {
    const [net = '', len = '64'] = p.cidr.split('/');
    return `--dhcp-range=${net},${rangeMode(p.raMode)},${len},${prefixLifetime}`;
  });
  const params = ifaces.map((i) => {
    const mtu = Math.min(...spec.prefixes.filter((p) => p.interfaceName === i).map((p) => p.mtu));
    return `--ra-param=${i},mtu:${mtu},${raIntervalSeconds},${raRouterLifetimeSeconds}`;
  });
  return [
    '--conf-file=/dev/null',
    '--no-hosts',
    '--no-resolv',
    '--port=0',
    '--bind-interfaces',
    ...ifaces.map((i) => `--interface=${i}`),
    '--except-interface=lo',
    `--pid-file=${pidFile}`,
    '--leasefile-ro',
    '--enable-ra',
    ...ranges,
    ...params,
    '--user=root',
  ];
}

/** The router's table for its advertisement daemon, in its namespace. */
export const raTable = 'ip6 strata-router-ra';

/**
 * Drops every DHCPv6 answer leaving the router's namespace: its daemon would answer a
 * SOLICIT with NoAddrsAvail and an INFORMATION-REQUEST with no DNS servers, and a client
 * may take that first answer over the qdhcp dnsmasq's. Created, deleted and written anew
 * in one `nft -f` transaction, as the router's NAT. Pure.
 */
export function compileRaTable(): string {
  return [
    `table ${raTable}`,
    `delete table ${raTable}`,
    `table ${raTable} {`,
    '  chain output {',
    '    type filter hook output priority filter; policy accept;',
    '    udp sport 547 drop',
    '  }',
    '}',
    '',
  ].join('\n');
}

function pidFileOf(runDir: string, netns: string): string {
  return join(runDir, netns, 'pid');
}

/**
 * Makes the router's advertisements match the spec: its dnsmasq started in the router's
 * namespace, restarted when its command line changed or it serves a namespace of that name
 * that was deleted and made again, stopped when the router advertises nothing.
 * The namespace and its interfaces must exist (ensureRouter first).
 */
export async function ensureRouterAdvertisements(spec: RouterAdvertSpec): Promise<void> {
  const netns = routerNetnsOf(spec.routerId, spec.namePrefix);
  if (spec.prefixes.length === 0) return stopAdvertisements(spec.runDir, netns);
  await applyNft(netns, compileRaTable());
  await mkdir(join(spec.runDir, netns), { recursive: true, mode: 0o700 });
  const pidFile = pidFileOf(spec.runDir, netns);
  const args = raDnsmasqArgs(spec, pidFile);
  const running = await runningDnsmasq(pidFile);
  if (running !== undefined) {
    const same = running.args.join('\0') === args.join('\0');
    if (same && (await running.inNetns(netnsPath(netns)))) return;
  }
  for (const pid of dnsmasqPidsFor(pidFile)) await stopDnsmasq(pid);
  await linkLocalsReady(netns, [...new Set(spec.prefixes.map((p) => p.interfaceName))]);
  await startDnsmasq(netns, args);
  if ((await runningDnsmasq(pidFile)) === undefined)
    throw new Error(`router advertisements of ${spec.routerId} did not stay up`);
}

/**
 * Waits (a few seconds at most) until each interface's link-local address passed duplicate
 * address detection: before that dnsmasq sends its first advertisements from the global
 * address, which hosts must ignore (RFC 4861 requires a link-local source).
 */
async function linkLocalsReady(netns: string, ifaces: ReadonlyArray<string>): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const { stdout } = await ipIn(netns, ['-j', '-6', 'address', 'show', 'scope', 'link']);
    const links = JSON.parse(stdout || '[]') as Array<{
      ifname: string;
      addr_info?: Array<{ tentative?: boolean }>;
    }>;
    const ready = (name: string) =>
      links.some((l) => l.ifname === name && (l.addr_info ?? []).some((a) => a.tentative !== true));
    if (ifaces.every(ready)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops the daemon of the router namespace `netns` and forgets it; nothing there is fine. */
export async function stopAdvertisements(runDir: string, netns: string): Promise<void> {
  for (const pid of dnsmasqPidsFor(pidFileOf(runDir, netns))) await stopDnsmasq(pid);
  await rm(join(runDir, netns), { recursive: true, force: true });
}

/** The router namespaces with advertisement state under `runDir` (a restarted agent's leftovers). */
export async function advertisingNamespaces(runDir: string): Promise<string[]> {
  return readdir(runDir).catch(() => [] as string[]);
}
