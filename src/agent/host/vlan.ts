import { deleteLink, plugIntoBridge, shortIfName, unplugFromBridge } from './bridge.js';
import { HostCommandError } from './command.js';
import { ipIn } from './netns.js';
import { linkInfo } from './veth.js';

/** The VLAN subinterface of a physical interface: `<interface>.<vlan>`, shortened to fit. */
export function vlanNameOf(physicalInterface: string, vlanId: number): string {
  const tail = `.${vlanId}`;
  const whole = `${physicalInterface}${tail}`;
  return whole.length <= 15 ? whole : shortIfName('', whole);
}

export interface ProviderUplink {
  /** The host interface of the physical network (`--physical-network name:interface`). */
  readonly physicalInterface: string;
  /** VLAN id for a VLAN network; undefined for a flat one. */
  readonly vlanId: number | undefined;
  readonly bridge: string;
  readonly mtu: number;
}

/**
 * Connects a flat or VLAN provider network to its bridge: a flat network plugs the physical
 * interface itself, a VLAN network a subinterface tagged with its id (created unless there).
 * Returns the device plugged. Idempotent.
 */
export async function ensureProviderUplink(netns: string | undefined, u: ProviderUplink): Promise<string> {
  if (u.vlanId === undefined) {
    await plugIntoBridge(netns, u.physicalInterface, u.bridge, u.mtu);
    return u.physicalInterface;
  }
  const name = vlanNameOf(u.physicalInterface, u.vlanId);
  const link = await linkInfo(netns, name);
  if (link !== undefined && link.kind !== 'vlan') throw new Error(`${name} is not a vlan link: left alone`);
  if (link === undefined) await addVlan(netns, u.physicalInterface, name, u.vlanId);
  await ipIn(netns, ['link', 'set', 'dev', u.physicalInterface, 'up']);
  await plugIntoBridge(netns, name, u.bridge, u.mtu);
  return name;
}

/** The kernel has no 802.1Q support (built without 8021q): VLAN provider networks cannot work. */
export class NoVlanSupportError extends Error {
  constructor() {
    super('this kernel has no 802.1Q VLAN support (8021q): VLAN provider networks are unavailable');
    this.name = 'NoVlanSupportError';
  }
}

async function addVlan(netns: string | undefined, physical: string, name: string, vlanId: number) {
  try {
    await ipIn(netns, ['link', 'add', 'link', physical, 'name', name, 'type', 'vlan', 'id', String(vlanId)]);
  } catch (err) {
    if (err instanceof HostCommandError && /Unknown device type/i.test(err.stderr))
      throw new NoVlanSupportError();
    throw err;
  }
}

/**
 * Disconnects a provider network: deletes its VLAN subinterface, or takes the physical
 * interface of a flat one out of the bridge (never deleting a host NIC).
 */
export async function removeProviderUplink(
  netns: string | undefined,
  u: Pick<ProviderUplink, 'physicalInterface' | 'vlanId'>,
): Promise<void> {
  if (u.vlanId === undefined) {
    await unplugFromBridge(netns, u.physicalInterface);
    return;
  }
  const name = vlanNameOf(u.physicalInterface, u.vlanId);
  const link = await linkInfo(netns, name);
  if (link === undefined) return;
  if (link.kind !== 'vlan') throw new Error(`${name} is not a vlan link: left alone`);
  await deleteLink(netns, name);
}
