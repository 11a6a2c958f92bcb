import { HostCommandError } from './command.js';
import { ipIn } from './netns.js';

/** Linux's limit on a network interface name (IFNAMSIZ less the terminating NUL). */
export const maxIfNameBytes = 15;

export interface VethPair {
  /** Namespace of the host end; the agent's own when undefined. */
  readonly hostNetns: string | undefined;
  readonly hostName: string;
  /** Named namespace the peer is created in, under its final name. */
  readonly peerNetns: string;
  readonly peerName: string;
  readonly peerMac: string;
  readonly mtu: number;
}

/**
 * Creates the pair, host end up, with the peer born in its namespace under its own name, MAC
 * and MTU (one netlink request, so no half-moved peer is ever left in the host namespace).
 * The peer is left down: whoever configures it inside brings it up.
 */
export async function addVethPair(v: VethPair): Promise<void> {
  const mtu = String(v.mtu);
  await ipIn(v.hostNetns, [
    'link',
    'add',
    v.hostName,
    'mtu',
    mtu,
    'up',
    'type',
    'veth',
    'peer',
    'name',
    v.peerName,
    'address',
    v.peerMac,
    'mtu',
    mtu,
    'netns',
    v.peerNetns,
  ]);
}

/**
 * One link as `ip -j -d link show` describes it, or undefined when there is none of that name
 * (nor a namespace of that name to hold it).
 */
export async function linkInfo(
  netns: string | undefined,
  name: string,
): Promise<{ readonly kind?: string; readonly mac: string; readonly mtu: number } | undefined> {
  try {
    const { stdout } = await ipIn(netns, ['-j', '-d', 'link', 'show', 'dev', name]);
    const [l] = JSON.parse(stdout) as Array<{
      address: string;
      mtu: number;
      linkinfo?: { info_kind?: string };
    }>;
    return l && { kind: l.linkinfo?.info_kind, mac: l.address, mtu: l.mtu };
  } catch (err) {
    if (
      err instanceof HostCommandError &&
      /does not exist|Cannot find device|Cannot open network namespace/i.test(err.stderr)
    )
      return undefined;
    throw err;
  }
}

/**
 * Deletes a veth (its peer goes with it); resolves when there is no link of that name,
 * true when it deleted one.
 */
export async function deleteVeth(netns: string | undefined, name: string): Promise<boolean> {
  const link = await linkInfo(netns, name);
  if (link === undefined) return false;
  // Only veths: a name that reached here by mistake must never take down a host's NIC.
  if (link.kind !== 'veth')
    throw new Error(`${name} is a ${link.kind ?? 'physical'} link, not a veth: left alone`);
  try {
    await ipIn(netns, ['link', 'delete', 'dev', name]);
    return true;
  } catch (err) {
    // Gone in between (its peer's namespace was just freed).
    if (err instanceof HostCommandError && /Cannot find device/i.test(err.stderr)) return false;
    throw err;
  }
}
