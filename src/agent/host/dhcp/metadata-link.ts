import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HostCommandError, runCommand } from '../command.js';
import { ipBatch, ipIn } from '../netns.js';
import { applyNft } from '../nft.js';
import { addVethPair, deleteVeth, linkInfo } from '../veth.js';
import { metadataIp } from './dnsmasq-files.js';

/**
 * The path from a network's DHCP namespace to the agent's metadata listener: a veth from the
 * namespace to the agent's own namespace with a /31 of 169.254.64.0/18 per network, and nft
 * in the namespace turning 169.254.169.254:80 into the agent's end of it. No SNAT: the
 * listener sees the instance's own address as the source and the network by the address it
 * was reached at. Instance subnets overlap between networks, so the replies go back by a
 * routing table per network chosen by their source address (`ip rule from <address>`).
 */
export interface MetadataLink {
  /** The agent's end: the listener binds here. */
  readonly hostAddress: string;
  readonly nsAddress: string;
  readonly table: number;
  readonly hostDevice: string;
}

const slots = 8192;
const firstTable = 30000;
const rulePref = 1000;
const nsDevice = 'metadata0';
const nftTable = 'strata-metadata';

export function metadataLinkOf(networkId: string, slot: number): MetadataLink {
  const host = 64 * 256 * 256 + slot * 2;
  const addr = (n: number) => `169.254.${(n >> 8) & 0xff}.${n & 0xff}`;
  return {
    hostAddress: addr(host),
    nsAddress: addr(host + 1),
    table: firstTable + slot,
    hostDevice: `md${networkId.slice(0, 11)}`,
  };
}

/**
 * The network's slot: kept in its directory once chosen; first chosen from a hash of the id,
 * stepping past slots other networks' directories hold and addresses already on links here
 * (another agent in this process's namespace, with its own data directory).
 */
export async function metadataSlot(dataDir: string, networkId: string): Promise<number> {
  const own = await readSlot(join(dataDir, networkId));
  if (own !== undefined) return own;
  const names = await readdir(dataDir).catch(() => [] as string[]);
  const taken = new Set(
    (await Promise.all(names.filter((n) => n !== networkId).map((n) => readSlot(join(dataDir, n))))).filter(
      (s) => s !== undefined,
    ),
  );
  for (const used of await slotsInUse(metadataLinkOf(networkId, 0).hostDevice)) taken.add(used);
  let slot = createHash('sha256').update(networkId).digest().readUInt32BE(0) % slots;
  for (let i = 0; taken.has(slot); i++) {
    if (i >= slots) throw new Error('no free metadata address left on this host');
    slot = (slot + 1) % slots;
  }
  await writeFile(join(dataDir, networkId, 'metadata-slot'), `${slot}\n`, { mode: 0o600 });
  return slot;
}

/** Slots whose host address is on a link of the agent's namespace, but `ownDevice`. */
async function slotsInUse(ownDevice: string): Promise<number[]> {
  const { stdout } = await ipIn(undefined, ['-j', '-4', 'address', 'show']);
  const links = JSON.parse(stdout || '[]') as Array<{ ifname: string; addr_info?: Array<{ local: string }> }>;
  return links
    .filter((l) => l.ifname !== ownDevice)
    .flatMap((l) => (l.addr_info ?? []).map((a) => a.local.split('.').map(Number)))
    .filter(([a, b, c = 0]) => a === 169 && b === 254 && c >= 64 && c < 128)
    .map(([, , c = 0, d = 0]) => ((c - 64) * 256 + d) >> 1);
}

async function readSlot(dir: string): Promise<number | undefined> {
  const text = await readFile(join(dir, 'metadata-slot'), 'utf8').catch(() => undefined);
  const n = Number(text?.trim());
  return text !== undefined && Number.isInteger(n) && n >= 0 && n < slots ? n : undefined;
}

/** Makes the link, its addresses, the reply route and the namespace's DNAT. Idempotent. */
export async function ensureMetadataLink(
  netns: string,
  portDevice: string,
  link: MetadataLink,
  listenPort: number,
): Promise<void> {
  if ((await linkInfo(netns, nsDevice)) === undefined) {
    await deleteVeth(undefined, link.hostDevice);
    await addVethPair({
      hostNetns: undefined,
      hostName: link.hostDevice,
      peerNetns: netns,
      peerName: nsDevice,
      peerMac: localMac(link.nsAddress),
      mtu: 1500,
    });
  }
  await ipBatch(undefined, [
    `address replace ${link.hostAddress}/31 dev ${link.hostDevice}`,
    `link set dev ${link.hostDevice} up`,
    `route replace default via ${link.nsAddress} dev ${link.hostDevice} table ${link.table}`,
  ]);
  if (!(await hasRule(link))) await ipIn(undefined, ['rule', 'add', ...ruleArgs(link)]);
  await ipBatch(netns, [
    `address replace ${link.nsAddress}/31 dev ${nsDevice}`,
    `link set dev ${nsDevice} up`,
  ]);
  await runCommand('ip', ['netns', 'exec', netns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1'], {
    timeoutMs: 30_000,
  });
  await applyNft(netns, metadataNft(portDevice, link, listenPort));
}

/**
 * DNAT of 169.254.169.254:80 to the listener, and a forward chain that lets through only
 * that (and its replies): the namespace routes for nothing else, so an instance cannot reach
 * the agent's host by the link's address.
 */
export function metadataNft(portDevice: string, link: MetadataLink, listenPort: number): string {
  return `add table ip ${nftTable}
delete table ip ${nftTable}
table ip ${nftTable} {
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    iifname "${portDevice}" ip daddr ${metadataIp} tcp dport 80 dnat to ${link.hostAddress}:${listenPort}
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    iifname "${portDevice}" oifname "${nsDevice}" ct status dnat accept
  }
}
`;
}

/** Removes what lives outside the namespace (the namespace's own part goes with it). */
export async function removeMetadataLink(link: MetadataLink): Promise<void> {
  while (await hasRule(link)) await ipIn(undefined, ['rule', 'del', ...ruleArgs(link)]);
  await ipIn(undefined, ['route', 'flush', 'table', String(link.table)]).catch((err: unknown) => {
    if (!(err instanceof HostCommandError)) throw err;
  });
  await deleteVeth(undefined, link.hostDevice);
}

function ruleArgs(link: MetadataLink): string[] {
  return ['from', link.hostAddress, 'lookup', String(link.table), 'pref', String(rulePref)];
}

async function hasRule(link: MetadataLink): Promise<boolean> {
  const { stdout } = await ipIn(undefined, ['-j', '-4', 'rule', 'list']);
  const rules = JSON.parse(stdout || '[]') as Array<{ src?: string; table?: string }>;
  return rules.some((r) => r.src === link.hostAddress && r.table === String(link.table));
}

/** A locally administered MAC made from the address, stable across repairs. */
function localMac(address: string): string {
  const [, , c = '0', d = '0'] = address.split('.');
  return [
    '02',
    '53',
    '54',
    '4d',
    Number(c).toString(16).padStart(2, '0'),
    Number(d).toString(16).padStart(2, '0'),
  ].join(':');
}
