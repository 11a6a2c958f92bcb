import { bridgeNameOf, plugIntoBridge } from '../bridge.js';
import { ensureNetns, ipBatch, ipIn } from '../netns.js';
import { addVethPair, deleteVeth, linkInfo } from '../veth.js';
import { dhcpDeviceNames, dhcpNetnsName } from './dhcp-spec.js';
import type { DhcpContext, DhcpSpec } from './dhcp-spec.js';
import { metadataIp } from './dnsmasq-files.js';
import { runCommand } from '../command.js';

/**
 * Makes the namespace, the DHCP port's veth (host end in the network's bridge, namespace end
 * with the port's MAC) and exactly the port's addresses on it (plus 169.254.169.254 when the
 * network serves metadata). Idempotent; repairs a deleted veth or a changed MAC.
 */
export async function ensureDhcpNamespace(spec: DhcpSpec, ctx: DhcpContext): Promise<string> {
  const netns = dhcpNetnsName(spec.networkId, ctx.namePrefix);
  const dev = dhcpDeviceNames(spec.port.portId);
  await ensureNetns(netns);
  await deleteOtherPorts(netns, dev.ns);
  const inside = await linkInfo(netns, dev.ns);
  if (inside === undefined) {
    // A host end left without its peer (the namespace was deleted under us) goes first.
    await deleteVeth(ctx.hostNetns, dev.host);
    await addVethPair({
      hostNetns: ctx.hostNetns,
      hostName: dev.host,
      peerNetns: netns,
      peerName: dev.ns,
      peerMac: spec.port.mac,
      mtu: spec.mtu,
    });
  }
  await plugIntoBridge(ctx.hostNetns, dev.host, ctx.bridge ?? bridgeNameOf(spec.networkId), spec.mtu);
  await ignoreRouterAdvertisements(netns, dev.ns);
  const want = wantedAddresses(spec);
  const have = [...(await inetAddresses(netns, dev.ns)), ...(await inetAddresses(netns, dev.ns, 6))];
  const nodad = (a: string) => (a.includes(':') ? ' nodad' : '');
  await ipBatch(netns, [
    'link set dev lo up',
    `link set dev ${dev.ns} address ${spec.port.mac} mtu ${spec.mtu} up`,
    ...have.filter((a) => !want.includes(a)).map((a) => `address del ${a} dev ${dev.ns}`),
    ...want.filter((a) => !have.includes(a)).map((a) => `address add ${a} dev ${dev.ns}${nodad(a)}`),
  ]);
  return netns;
}

/**
 * The DHCP port holds exactly its fixed IPs: the router's advertisements on the network
 * must not add a SLAAC address or a default route to the namespace (Neutron's accept_ra 0).
 */
async function ignoreRouterAdvertisements(netns: string, dev: string): Promise<void> {
  const args = ['-q', '-w', `net.ipv6.conf.${dev}.accept_ra=0`, `net.ipv6.conf.${dev}.autoconf=0`];
  await runCommand('ip', ['netns', 'exec', netns, 'sysctl', ...args], { timeoutMs: 30_000 });
}

/** A DHCP port replaced by another leaves its veth: deleting the inside end takes both. */
async function deleteOtherPorts(netns: string, keep: string): Promise<void> {
  const { stdout } = await ipIn(netns, ['-j', 'link', 'show']);
  const names = (JSON.parse(stdout || '[]') as Array<{ ifname: string }>).map((l) => l.ifname);
  for (const name of names) if (name.startsWith('ns-') && name !== keep) await deleteVeth(netns, name);
}

function wantedAddresses(spec: DhcpSpec): string[] {
  const subnets = new Map(spec.subnets.map((s) => [s.subnetId, s.cidr]));
  const own = spec.port.fixedIps.flatMap((ip) => {
    const cidr = subnets.get(ip.subnetId);
    return cidr === undefined ? [] : [`${ip.ipAddress}/${cidr.split('/')[1]}`];
  });
  return spec.metadataPort === undefined ? own : [...own, `${metadataIp}/32`];
}

/** The addresses of a family on a device, as `address/prefix` (IPv6: global scope, not link-local). */
export async function inetAddresses(
  netns: string | undefined,
  dev: string,
  family: 4 | 6 = 4,
): Promise<string[]> {
  const scope = family === 6 ? ['scope', 'global'] : [];
  const { stdout } = await ipIn(netns, ['-j', `-${family}`, 'address', 'show', 'dev', dev, ...scope]);
  const links = JSON.parse(stdout || '[]') as Array<{
    addr_info?: Array<{ local: string; prefixlen: number }>;
  }>;
  return links.flatMap((l) => (l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`));
}
