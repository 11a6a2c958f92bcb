import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deleteNetns, netnsPath } from '../netns.js';
import { ensureDhcpNamespace } from './dhcp-namespace.js';
import { dhcpDeviceNames, dhcpNetnsName } from './dhcp-spec.js';
import type { DhcpContext, DhcpSpec } from './dhcp-spec.js';
import {
  dnsmasqAddnHostsFile,
  dnsmasqArgs,
  dnsmasqHostsFile,
  dnsmasqOptsFile,
  dnsmasqPaths,
} from './dnsmasq-files.js';
import {
  dnsmasqPidsFor,
  reloadDnsmasq,
  runningDnsmasq,
  startDnsmasq,
  stopDnsmasq,
} from './dnsmasq-process.js';
import { ensureMetadataLink, metadataLinkOf, metadataSlot, removeMetadataLink } from './metadata-link.js';
import type { MetadataLink } from './metadata-link.js';

export interface DhcpState {
  readonly netns: string;
  readonly pid: number;
  /** Set when the spec asks for metadata: the listener for this network binds `hostAddress`. */
  readonly metadata?: MetadataLink;
}

/**
 * Brings one network's DHCP server to the spec, whatever is there now (level-triggered):
 * namespace, port, metadata path, files; dnsmasq is started when it is not running, sent
 * SIGHUP when only its files changed, restarted when its command line changed.
 */
export async function ensureDhcp(spec: DhcpSpec, ctx: DhcpContext): Promise<DhcpState> {
  const dir = await privateDir(ctx, spec.networkId);
  const netns = await ensureDhcpNamespace(spec, ctx);
  const device = dhcpDeviceNames(spec.port.portId).ns;
  let metadata: MetadataLink | undefined;
  if (spec.metadataPort !== undefined) {
    metadata = metadataLinkOf(spec.networkId, await metadataSlot(dhcpRoot(ctx), spec.networkId));
    await ensureMetadataLink(netns, device, metadata, spec.metadataPort);
  }
  const paths = dnsmasqPaths(dir);
  const files: Array<[string, string]> = [
    [paths.hosts, dnsmasqHostsFile(spec)],
    [paths.addnHosts, dnsmasqAddnHostsFile(spec)],
    [paths.opts, dnsmasqOptsFile(spec)],
  ];
  let changed = false;
  for (const [path, text] of files) changed = (await writePrivate(path, text)) || changed;
  const args = dnsmasqArgs(spec, paths, device);
  let running = await runningDnsmasq(paths.pid);
  if (
    running !== undefined &&
    (running.args.join('\0') !== args.join('\0') || !(await running.inNetns(netnsPath(netns))))
  ) {
    await stopDnsmasq(running.pid);
    running = undefined;
  }
  if (running === undefined) {
    await startDnsmasq(netns, args);
    running = await runningDnsmasq(paths.pid);
    if (running === undefined) throw new Error(`dnsmasq for network ${spec.networkId} did not stay up`);
  } else if (changed) reloadDnsmasq(running.pid);
  return { netns, pid: running.pid, ...(metadata && { metadata }) };
}

/**
 * Stops the network's dnsmasq, deletes its namespace (its veths go with it), the metadata
 * route and rule, and its directory. Resolves when none of it is there.
 */
export async function removeDhcp(networkId: string, ctx: DhcpContext): Promise<void> {
  const dir = join(dhcpRoot(ctx), networkId);
  const paths = dnsmasqPaths(dir);
  for (const pid of dnsmasqPidsFor(paths.pid)) await stopDnsmasq(pid);
  const slot = await readFile(join(dir, 'metadata-slot'), 'utf8').catch(() => undefined);
  await deleteNetns(dhcpNetnsName(networkId, ctx.namePrefix));
  if (slot !== undefined) await removeMetadataLink(metadataLinkOf(networkId, Number(slot.trim())));
  await rm(dir, { recursive: true, force: true });
}

function dhcpRoot(ctx: DhcpContext): string {
  return join(ctx.dataDir, 'dhcp');
}

/**
 * dnsmasq stays root (`--user=root`): it re-reads its files on SIGHUP as the user it runs as,
 * and they are private to root (0600 in a 0700 directory under the agent's data directory,
 * which another user may not even traverse). It runs in the network's namespace only.
 */
async function privateDir(ctx: DhcpContext, networkId: string): Promise<string> {
  await mkdir(dhcpRoot(ctx), { recursive: true, mode: 0o700 });
  const dir = join(dhcpRoot(ctx), networkId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  return dir;
}

/** Writes the file when its text differs; true when it did. */
async function writePrivate(path: string, text: string): Promise<boolean> {
  const old = await readFile(path, 'utf8').catch(() => undefined);
  if (old === text) return false;
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, 0o600);
  return true;
}
