import { HostCommandError, runCommand } from './command.js';
import { deleteLink, plugIntoBridge, shortIfName } from './bridge.js';
import { ipIn } from './netns.js';

/** The IANA port for VXLAN (the kernel's default is the older 8472). */
export const vxlanPort = 4789;
/** The all-zero MAC: FDB entries under it are the flood list (head-end replication). */
const floodMac = '00:00:00:00:00:00';

export interface VxlanDevice {
  readonly name: string;
  /** The network's segmentation id. */
  readonly vni: number;
  /** This host's underlay (VTEP) address. */
  readonly local: string;
  readonly bridge: string;
  /** The network's MTU (the underlay's less the 50-byte VXLAN header). */
  readonly mtu: number;
}

/** The VXLAN device of a network (`vxlan-<vni>`, as Neutron names it). */
export function vxlanNameOf(vni: number): string {
  return shortIfName('vxlan-', String(vni));
}

interface VxlanLink {
  readonly linkinfo?: {
    readonly info_kind?: string;
    readonly info_data?: { id?: number; local?: string; port?: number; learning?: boolean };
  };
}

/** The link of that name as `ip -j -d` shows it, or undefined when there is none. */
async function vxlanOf(netns: string | undefined, name: string): Promise<VxlanLink | undefined> {
  try {
    const { stdout } = await ipIn(netns, ['-j', '-d', 'link', 'show', 'dev', name]);
    return (JSON.parse(stdout) as VxlanLink[])[0];
  } catch (err) {
    if (err instanceof HostCommandError && /does not exist|Cannot find device/i.test(err.stderr))
      return undefined;
    throw err;
  }
}

/**
 * Creates the VXLAN device unless one with the same VNI, local address and port is there
 * (one that differs is replaced), then plugs it into the bridge. `nolearning`: remote MACs
 * are never learnt from traffic, the flood list below is the only way out. Idempotent.
 */
export async function ensureVxlan(netns: string | undefined, v: VxlanDevice): Promise<void> {
  const link = await vxlanOf(netns, v.name);
  const data = link?.linkinfo?.info_data;
  const same =
    link?.linkinfo?.info_kind === 'vxlan' &&
    data?.id === v.vni &&
    data.local === v.local &&
    data.port === vxlanPort &&
    data.learning === false;
  if (link !== undefined && !same) {
    if (link.linkinfo?.info_kind !== 'vxlan') throw new Error(`${v.name} is not a vxlan link: left alone`);
    await deleteLink(netns, v.name);
  }
  if (!same) {
    await ipIn(netns, [
      'link',
      'add',
      v.name,
      'type',
      'vxlan',
      'id',
      String(v.vni),
      'local',
      v.local,
      'dstport',
      String(vxlanPort),
      'nolearning',
    ]);
  }
  await plugIntoBridge(netns, v.name, v.bridge, v.mtu);
}

/** Deletes the VXLAN device (its FDB goes with it); resolves when there is none. */
export async function deleteVxlan(netns: string | undefined, name: string): Promise<boolean> {
  const link = await vxlanOf(netns, name);
  if (link === undefined) return false;
  if (link.linkinfo?.info_kind !== 'vxlan') throw new Error(`${name} is not a vxlan link: left alone`);
  return deleteLink(netns, name);
}

function bridgeIn(netns: string | undefined, args: ReadonlyArray<string>) {
  return runCommand('bridge', [...(netns === undefined ? [] : ['-n', netns]), ...args], {
    timeoutMs: 30_000,
  });
}

/** The remote VTEPs the device floods to (its all-zero FDB entries). */
export async function floodDestinations(netns: string | undefined, name: string): Promise<string[]> {
  const { stdout } = await bridgeIn(netns, ['-j', 'fdb', 'show', 'dev', name]);
  const entries = JSON.parse(stdout || '[]') as Array<{ mac: string; dst?: string }>;
  return entries.filter((e) => e.mac === floodMac && e.dst !== undefined).map((e) => e.dst as string);
}

/**
 * Makes the flood list exactly `remotes` (the other hosts carrying the network): appends the
 * missing entries, deletes the others. Idempotent; broadcast and unknown unicast are then
 * copied to each remote host.
 */
export async function setFloodDestinations(
  netns: string | undefined,
  name: string,
  remotes: ReadonlyArray<string>,
): Promise<void> {
  const have = new Set(await floodDestinations(netns, name));
  const want = new Set(remotes);
  for (const dst of want)
    if (!have.has(dst)) await bridgeIn(netns, ['fdb', 'append', floodMac, 'dev', name, 'dst', dst]);
  for (const dst of have)
    if (!want.has(dst)) await bridgeIn(netns, ['fdb', 'del', floodMac, 'dev', name, 'dst', dst]);
}

/** The static unicast entries of the device: port MAC → remote VTEP. */
export async function remoteMacs(netns: string | undefined, name: string): Promise<Map<string, string>> {
  const { stdout } = await bridgeIn(netns, ['-j', 'fdb', 'show', 'dev', name]);
  const entries = JSON.parse(stdout || '[]') as Array<{ mac: string; dst?: string }>;
  return new Map(
    entries.filter((e) => e.mac !== floodMac && e.dst !== undefined).map((e) => [e.mac, e.dst as string]),
  );
}

/**
 * Makes the unicast entries exactly `macs` (each remote port's MAC → its host's VTEP), so
 * known unicast goes to one host instead of the whole flood list (the control plane knows
 * where every port is; `nolearning` means the kernel never guesses). Idempotent.
 */
export async function setRemoteMacs(
  netns: string | undefined,
  name: string,
  macs: ReadonlyMap<string, string>,
): Promise<void> {
  const have = await remoteMacs(netns, name);
  for (const [mac, dst] of macs)
    if (have.get(mac.toLowerCase()) !== dst)
      await bridgeIn(netns, ['fdb', 'replace', mac, 'dev', name, 'dst', dst, 'self', 'permanent']);
  for (const mac of have.keys())
    if (![...macs.keys()].some((m) => m.toLowerCase() === mac))
      await bridgeIn(netns, ['fdb', 'del', mac, 'dev', name, 'self']);
}

/** A VXLAN FDB entry that sends to a remote VTEP. */
export interface RemoteFdbEntry {
  readonly mac: string;
  readonly dst: string;
}

/**
 * Every VXLAN device's remote entries in the namespace, by device, in one `bridge` run (a
 * pass checks all networks at once; only VXLAN entries carry a `dst`).
 */
export async function remoteFdbByDevice(netns: string | undefined): Promise<Map<string, RemoteFdbEntry[]>> {
  const { stdout } = await bridgeIn(netns, ['-j', 'fdb', 'show']);
  const byDevice = new Map<string, RemoteFdbEntry[]>();
  for (const e of JSON.parse(stdout || '[]') as Array<{ mac: string; ifname?: string; dst?: string }>) {
    if (e.dst === undefined || e.ifname === undefined) continue;
    byDevice.set(e.ifname, [...(byDevice.get(e.ifname) ?? []), { mac: e.mac.toLowerCase(), dst: e.dst }]);
  }
  return byDevice;
}

/**
 * Whether the entries are exactly the flood list `floodTo` and the unicast map `macs`: the
 * FDB is state too, and an entry deleted (or added) behind the agent's back must be seen.
 */
export function remoteFdbMatches(
  entries: ReadonlyArray<RemoteFdbEntry>,
  floodTo: ReadonlyArray<string>,
  macs: ReadonlyMap<string, string>,
): boolean {
  const flood = entries.filter((e) => e.mac === floodMac).map((e) => e.dst);
  const unicast = entries.filter((e) => e.mac !== floodMac);
  const wanted = new Map([...macs].map(([mac, dst]) => [mac.toLowerCase(), dst]));
  return (
    flood.length === new Set(floodTo).size &&
    flood.every((dst) => floodTo.includes(dst)) &&
    unicast.length === wanted.size &&
    unicast.every((e) => wanted.get(e.mac) === e.dst)
  );
}
