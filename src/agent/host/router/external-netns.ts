import ipaddr from 'ipaddr.js';
import { createHash } from 'node:crypto';
import { bridgeNameOf, ensureBridge, shortIfName } from '../bridge.js';
import { deleteNetns, ensureNetns, ipBatch, ipIn } from '../netns.js';
import { addVethPair, deleteVeth, linkInfo } from '../veth.js';
import { ensureProviderUplink, removeProviderUplink } from '../vlan.js';
import { parseAddresses } from './router-observe.js';
import type { RouterAddress } from './router-spec.js';

/** The namespace that stands for the outside world of the default external network. */
export const externalNetns = 'strata-external';
/** The interface inside it, on the external network. */
export const externalIfName = 'ext0';

/**
 * The default external network's far side. With no uplink, a namespace holds the external
 * subnet's gateway address on a veth into the network's bridge, so floating IPs are
 * reachable from it and nothing in the host's own namespace changes. With
 * `--physical-network public:<iface>` the bridge gets that interface instead.
 */
export interface ExternalNetworkSpec {
  readonly networkId: string;
  readonly mtu: number;
  /** The external subnet's gateway, e.g. 172.24.4.1/24. */
  readonly gateway: RouterAddress;
  /** The host interface of the external physical network, when one is configured. */
  readonly physicalInterface?: string | undefined;
  /** Namespace holding the bridge; the agent's own when undefined. */
  readonly hostNetns?: string | undefined;
  /** The far side's namespace; `strata-external` unless told (tests run beside a live one). */
  readonly netns?: string | undefined;
}

/** The host end of the far side's veth, named after the network. */
export function externalHostEndOf(networkId: string): string {
  return shortIfName('sxt', networkId);
}

/** A stable locally administered MAC for the far side (the same one after every repair). */
export function externalMacOf(networkId: string): string {
  const h = createHash('sha256').update(networkId).digest();
  return ['fa', '16', '3f', ...[0, 1, 2].map((i) => h[i]!.toString(16).padStart(2, '0'))].join(':');
}

/** Sets the far side up or, with an uplink, gives the bridge the uplink. Idempotent. */
export async function ensureExternalNamespace(spec: ExternalNetworkSpec): Promise<void> {
  // Written into `ip -batch` text: refuse anything that is not an address.
  ipaddr.parseCIDR(`${spec.gateway.ip}/${spec.gateway.prefixLength}`);
  await ensureBridge(spec.hostNetns, bridgeNameOf(spec.networkId), spec.mtu);
  if (spec.physicalInterface !== undefined) {
    await removeFarSide(spec);
    await ensureProviderUplink(spec.hostNetns, {
      physicalInterface: spec.physicalInterface,
      vlanId: undefined,
      bridge: bridgeNameOf(spec.networkId),
      mtu: spec.mtu,
    });
    return;
  }
  await ensureFarSide(spec);
}

async function ensureFarSide(spec: ExternalNetworkSpec): Promise<void> {
  const netns = spec.netns ?? externalNetns;
  const hostEnd = externalHostEndOf(spec.networkId);
  await ensureNetns(netns);
  if ((await linkInfo(netns, externalIfName)) === undefined) {
    await deleteVeth(spec.hostNetns, hostEnd);
    await addVethPair({
      hostNetns: spec.hostNetns,
      hostName: hostEnd,
      peerNetns: netns,
      peerName: externalIfName,
      peerMac: externalMacOf(spec.networkId),
      mtu: spec.mtu,
    });
  }
  await ipIn(spec.hostNetns, [
    'link',
    'set',
    'dev',
    hostEnd,
    'mtu',
    String(spec.mtu),
    'master',
    bridgeNameOf(spec.networkId),
    'up',
  ]);
  const { stdout } = await ipIn(netns, ['-j', 'address', 'show', 'dev', externalIfName]);
  const have = parseAddresses(stdout).flatMap((l) => l.addresses);
  const want = `${spec.gateway.ip}/${spec.gateway.prefixLength}`;
  await ipBatch(netns, [
    'link set dev lo up',
    `link set dev ${externalIfName} mtu ${spec.mtu} up`,
    ...have.filter((a) => a !== want).map((a) => `address del ${a} dev ${externalIfName}`),
    ...(have.includes(want) ? [] : [`address add ${want} dev ${externalIfName}`]),
  ]);
}

async function removeFarSide(spec: Pick<ExternalNetworkSpec, 'networkId' | 'hostNetns' | 'netns'>) {
  await deleteVeth(spec.hostNetns, externalHostEndOf(spec.networkId));
  await deleteNetns(spec.netns ?? externalNetns);
}

/** Removes the far side or takes the uplink out of the bridge; leaves the bridge to its network. */
export async function removeExternalNamespace(spec: ExternalNetworkSpec): Promise<void> {
  await removeFarSide(spec);
  if (spec.physicalInterface !== undefined)
    await removeProviderUplink(spec.hostNetns, {
      physicalInterface: spec.physicalInterface,
      vlanId: undefined,
    });
}
