import type { WorkloadNic } from '../driver.js';
import { HostCommandError } from '../../host/command.js';
import { ipBatch } from '../../host/netns.js';
import { addVethPair, deleteVeth, linkInfo, maxIfNameBytes } from '../../host/veth.js';

/**
 * The named network namespace a workload's container runs in. It is a file name under
 * /run/netns (NAME_MAX, 255 bytes), and workload ids are at most 128 characters of
 * [A-Za-z0-9_.-], so the whole id fits and two workloads never share a name.
 */
export function netnsNameOf(workloadId: string): string {
  return `strata-${workloadId}`;
}

/** What a NIC needs to be accepted, checked before anything is created. */
export function checkNic(nic: WorkloadNic): void {
  const what = `runc driver: NIC of port ${nic.portId}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(nic.hostName) || Buffer.byteLength(nic.hostName) > maxIfNameBytes)
    throw new Error(
      `${what}: host name "${nic.hostName}" is not a valid interface name ([A-Za-z0-9_.-], at most ${maxIfNameBytes} bytes)`,
    );
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(nic.mac))
    throw new Error(`${what}: MAC "${nic.mac}" is malformed`);
  if (!Number.isInteger(nic.mtu) || nic.mtu < 68 || nic.mtu > 65_535)
    throw new Error(`${what}: MTU ${nic.mtu} is outside 68..65535`);
}

/** `eth<N>` with the lowest N not taken, so a NIC attached after a detach fills the gap. */
export function nextIfName(taken: ReadonlyArray<string>): string {
  for (let i = 0; ; i++) if (!taken.includes(`eth${i}`)) return `eth${i}`;
}

/**
 * The `ip -batch` lines (run in the container's namespace) that bring `ifName` up with the
 * NIC's addresses and routes: each fixed IP with its subnet's prefix (IPv6 without duplicate
 * address detection, so it is usable at once), host routes, and a default route per family
 * via the NIC's first gateway. Default routes have metric 100 + N for ethN, so with several
 * NICs the lowest-numbered one's wins and another takes over when it is detached. Pure.
 */
export function addressCommands(nic: WorkloadNic, ifName: string): string[] {
  const v6 = (addr: string) => addr.includes(':');
  const lines = [`link set ${ifName} up`];
  for (const ip of nic.fixedIps) {
    const prefix = ip.cidr.split('/')[1] ?? (v6(ip.ipAddress) ? '128' : '32');
    lines.push(`addr replace ${ip.ipAddress}/${prefix} dev ${ifName}${v6(ip.ipAddress) ? ' nodad' : ''}`);
  }
  for (const ip of nic.fixedIps)
    for (const r of ip.hostRoutes)
      lines.push(`route replace ${r.destination} via ${r.nexthop} dev ${ifName}`);
  const metric = 100 + Number(ifName.replace(/^\D+/, '') || 0);
  for (const family of [false, true]) {
    const gw = nic.fixedIps.find((ip) => v6(ip.ipAddress) === family && ip.gateway)?.gateway;
    if (gw)
      lines.push(`route replace ${family ? '::/0' : '0.0.0.0/0'} via ${gw} dev ${ifName} metric ${metric}`);
  }
  return lines;
}

/**
 * Plugs the NIC: a veth pair with the host end `nic.hostName` in `hostNetns` and the peer
 * `ifName` in the container's namespace, with the port's MAC and MTU (`createVeth`), then
 * one `ip -batch` inside for loopback, link, addresses and routes.
 */
export async function plugNic(
  hostNetns: string | undefined,
  netns: string,
  nic: WorkloadNic,
  ifName: string,
): Promise<void> {
  await createVeth(hostNetns, netns, nic, ifName);
  await ipBatch(netns, ['link set lo up', ...addressCommands(nic, ifName)]);
}

/**
 * The NIC's veth pair, peer still down and unconfigured. A leftover pair of that name (a
 * crash between plugging and recording) is replaced.
 */
export async function createVeth(
  hostNetns: string | undefined,
  netns: string,
  nic: WorkloadNic,
  ifName: string,
): Promise<void> {
  const pair = {
    hostNetns,
    hostName: nic.hostName,
    peerNetns: netns,
    peerName: ifName,
    peerMac: nic.mac,
    mtu: nic.mtu,
  };
  try {
    await addVethPair(pair);
  } catch (err) {
    if (!(err instanceof HostCommandError && /File exists/i.test(err.stderr))) throw err;
    await deleteVeth(hostNetns, nic.hostName);
    await deleteVeth(netns, ifName);
    await addVethPair(pair);
  }
}

/** Whether the NIC is there: its peer in the container's namespace with the port's MAC. */
export async function nicPlugged(netns: string, nic: WorkloadNic, ifName: string): Promise<boolean> {
  return (await linkInfo(netns, ifName))?.mac === nic.mac;
}

/** Removes the pair (from either end); resolves when neither end is there. */
export async function unplugNic(
  hostNetns: string | undefined,
  netns: string,
  nic: WorkloadNic,
  ifName: string,
): Promise<void> {
  // Deleting either end deletes the pair; the peer is looked for only when the host end was gone.
  if (!(await deleteVeth(hostNetns, nic.hostName))) await deleteVeth(netns, ifName);
}
