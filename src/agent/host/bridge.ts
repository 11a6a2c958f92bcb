import { createHash } from 'node:crypto';
import { HostCommandError } from './command.js';
import { ipIn } from './netns.js';
import { linkInfo, maxIfNameBytes } from './veth.js';

/** Prefix of every bridge Strata owns (as Neutron's Linux bridge agent names them). */
export const bridgePrefix = 'brq';

/** The bridge of a network: `brq` and the id's first 11 characters (14 bytes, under IFNAMSIZ). */
export function bridgeNameOf(networkId: string): string {
  return `${bridgePrefix}${networkId.slice(0, maxIfNameBytes - bridgePrefix.length - 1)}`;
}

/**
 * A short interface name `<prefix><base>` that fits IFNAMSIZ: kept as is when it fits, else
 * the base is cut and a hash of the whole name keeps two long bases apart.
 */
export function shortIfName(prefix: string, base: string): string {
  const whole = `${prefix}${base}`;
  if (Buffer.byteLength(whole) <= maxIfNameBytes) return whole;
  const hash = createHash('sha256').update(whole).digest('hex').slice(0, 4);
  return `${prefix}${base.slice(0, maxIfNameBytes - prefix.length - hash.length)}${hash}`;
}

/** Throws unless the link is there and of the kind expected, so a wrong name never reuses a NIC. */
function checkKind(name: string, kind: string | undefined, want: string): void {
  if (kind !== want) throw new Error(`${name} is a ${kind ?? 'physical'} link, not a ${want}: left alone`);
}

/**
 * Creates the bridge unless it is there, and brings it up with the MTU (and `alias` as its
 * ifalias: which cloud it is, see cloud-host-names.ts). Idempotent. The bridge has no
 * address: it only switches between its ports.
 */
export async function ensureBridge(
  netns: string | undefined,
  name: string,
  mtu: number,
  alias?: string,
): Promise<void> {
  const link = await linkInfo(netns, name);
  if (link === undefined) {
    await ipIn(netns, ['link', 'add', name, 'mtu', String(mtu), 'type', 'bridge']);
  } else checkKind(name, link.kind, 'bridge');
  const named = alias === undefined ? [] : ['alias', alias];
  await ipIn(netns, ['link', 'set', 'dev', name, 'mtu', String(mtu), ...named, 'up']);
}

/** Deletes the bridge (its ports stay, unplugged); resolves when there is none. */
export async function deleteBridge(netns: string | undefined, name: string): Promise<boolean> {
  const link = await linkInfo(netns, name);
  if (link === undefined) return false;
  checkKind(name, link.kind, 'bridge');
  return deleteLink(netns, name);
}

/** `ip link delete`, quiet when the link went away in between. */
export async function deleteLink(netns: string | undefined, name: string): Promise<boolean> {
  try {
    await ipIn(netns, ['link', 'delete', 'dev', name]);
    return true;
  } catch (err) {
    if (err instanceof HostCommandError && /Cannot find device/i.test(err.stderr)) return false;
    throw err;
  }
}

/**
 * Plugs a device (a tap, a veth's host end, a VXLAN or VLAN device) into the bridge with the
 * port's MTU and brings it up. Idempotent: a device already in the bridge is only re-set.
 */
export async function plugIntoBridge(
  netns: string | undefined,
  device: string,
  bridge: string,
  mtu: number,
): Promise<void> {
  await ipIn(netns, ['link', 'set', 'dev', device, 'mtu', String(mtu), 'master', bridge, 'up']);
}

/** Takes a device out of whatever bridge holds it; resolves when the device is gone. */
export async function unplugFromBridge(netns: string | undefined, device: string): Promise<void> {
  try {
    await ipIn(netns, ['link', 'set', 'dev', device, 'nomaster']);
  } catch (err) {
    if (err instanceof HostCommandError && /Cannot find device|does not exist/i.test(err.stderr)) return;
    throw err;
  }
}

/** The names of the devices plugged into the bridge (`ip -j link show master`). */
export async function bridgePorts(netns: string | undefined, bridge: string): Promise<string[]> {
  const { stdout } = await ipIn(netns, ['-j', 'link', 'show', 'master', bridge]);
  return (JSON.parse(stdout || '[]') as Array<{ ifname: string }>).map((l) => l.ifname);
}
