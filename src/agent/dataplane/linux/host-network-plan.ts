import { bridgeNameOf, bridgePrefix } from '../../host/bridge.js';
import type { GroupMembers, PortFilter } from '../../host/nft-ruleset.js';
import { vxlanNameOf } from '../../host/vxlan.js';
import { defaultBridgeOwner, ownsBridge } from './cloud-host-names.js';
import type { HostNetwork, HostNetworkState } from '../host-network-state.js';

/** One link of the host as `ip -j -d link show` describes it. */
export interface ObservedLink {
  readonly name: string;
  readonly kind: string | undefined;
  readonly master: string | undefined;
  readonly mtu: number;
  /** The link's ifalias: a bridge's cloud (see cloud-host-names.ts). */
  readonly alias?: string | undefined;
}

/** How this host is set up: its underlay address and its physical networks' interfaces. */
export interface LinuxDataplaneConfig {
  /** This host's VXLAN endpoint address; without one, vxlan networks stay local to the host. */
  readonly tunnelIp: string | undefined;
  /** `--physical-network name:interface`: physnet name → host interface. */
  readonly physicalNetworks: ReadonlyMap<string, string>;
  /** The ifalias marking this cloud's bridges; `strata` (and no alias) when undefined. */
  readonly bridgeOwner?: string | undefined;
}

/** What carries a network off the host: a VXLAN device, a physical interface, or nothing. */
export type Uplink =
  | {
      readonly kind: 'vxlan';
      readonly name: string;
      readonly vni: number;
      readonly local: string;
      readonly floodTo: ReadonlyArray<string>;
      readonly remoteMacs: ReadonlyMap<string, string>;
    }
  | { readonly kind: 'physical'; readonly physicalInterface: string; readonly vlanId: number | undefined };

export interface NetworkWiring {
  readonly networkId: string;
  readonly bridge: string;
  readonly mtu: number;
  readonly uplink: Uplink | undefined;
}

/** Everything the host must do to match the desired state, computed without touching it. */
export interface HostPlan {
  readonly networks: ReadonlyArray<NetworkWiring>;
  /** Port devices present on the host but not (or not rightly) in their network's bridge. */
  readonly plugs: ReadonlyArray<{ readonly device: string; readonly bridge: string; readonly mtu: number }>;
  /** Strata's bridges and VXLAN devices of networks no longer on this host. */
  readonly staleBridges: ReadonlyArray<string>;
  readonly staleVxlans: ReadonlyArray<string>;
  /**
   * VXLAN devices this host wants that another cloud's bridge holds (the same VNI: the kernel
   * allows one device per VNI and UDP port): left alone, never moved into this cloud's bridge.
   */
  readonly vxlansOfOtherClouds: ReadonlyArray<string>;
  /** The host-wide filter: every port of the host, whether or not its device exists yet. */
  readonly filters: ReadonlyArray<PortFilter>;
  readonly members: GroupMembers;
  /** The CIDRs of the address groups the rules name. */
  readonly addressGroups: GroupMembers;
}

/** Why a network cannot leave the host, for the logs (the bridge is still made). */
export function uplinkOf(n: HostNetwork, c: LinuxDataplaneConfig): Uplink | undefined {
  if (n.networkType === 'vxlan' && n.segmentationId !== null && c.tunnelIp !== undefined) {
    return {
      kind: 'vxlan',
      name: vxlanNameOf(n.segmentationId),
      vni: n.segmentationId,
      local: c.tunnelIp,
      floodTo: n.remoteHosts.filter((h) => h !== c.tunnelIp),
      remoteMacs: new Map(
        n.remotePorts.filter((p) => p.tunnelIp !== c.tunnelIp).map((p) => [p.mac.toLowerCase(), p.tunnelIp]),
      ),
    };
  }
  const physical = n.physicalNetwork === null ? undefined : c.physicalNetworks.get(n.physicalNetwork);
  if (physical === undefined) return undefined;
  if (n.networkType === 'flat') return { kind: 'physical', physicalInterface: physical, vlanId: undefined };
  if (n.networkType === 'vlan' && n.segmentationId !== null)
    return { kind: 'physical', physicalInterface: physical, vlanId: n.segmentationId };
  return undefined;
}

const isVxlanName = (name: string) => name.startsWith('vxlan-');

/**
 * The plan that makes the host's links and filter match `state`: a bridge per network with
 * ports here (with its VXLAN device or physical uplink), each present port device in its
 * bridge, Strata's other bridges and VXLAN devices gone, and the filter of every port. Pure.
 */
export function planHost(
  state: HostNetworkState,
  links: ReadonlyArray<ObservedLink>,
  c: LinuxDataplaneConfig,
): HostPlan {
  const networks = state.networks.map((n) => ({
    networkId: n.id,
    bridge: bridgeNameOf(n.id),
    mtu: n.mtu,
    uplink: uplinkOf(n, c),
  }));
  const bridgeOf = new Map(networks.map((n) => [n.networkId, n.bridge]));
  const byName = new Map(links.map((l) => [l.name, l]));
  const plugs = state.ports.flatMap((p) => {
    const link = byName.get(p.device);
    const bridge = bridgeOf.get(p.networkId);
    if (link === undefined || bridge === undefined) return [];
    return link.master === bridge && link.mtu === p.mtu ? [] : [{ device: p.device, bridge, mtu: p.mtu }];
  });
  const wantedBridges = new Set(networks.map((n) => n.bridge));
  const wantedVxlans = new Set(networks.flatMap((n) => (n.uplink?.kind === 'vxlan' ? [n.uplink.name] : [])));
  // Another cloud's bridges on this machine are not stale: only this cloud's (by ifalias) go.
  const owner = c.bridgeOwner ?? defaultBridgeOwner;
  const ours = links.filter(
    (l) => l.kind === 'bridge' && l.name.startsWith(bridgePrefix) && ownsBridge(l.alias, owner),
  );
  const ourBridges = new Set(ours.map((l) => l.name));
  return {
    networks,
    plugs,
    staleBridges: ours.filter((l) => !wantedBridges.has(l.name)).map((l) => l.name),
    staleVxlans: links
      .filter((l) => l.kind === 'vxlan' && isVxlanName(l.name) && !wantedVxlans.has(l.name))
      .filter((l) => l.master === undefined || ourBridges.has(l.master))
      .map((l) => l.name),
    vxlansOfOtherClouds: links
      .filter((l) => l.kind === 'vxlan' && wantedVxlans.has(l.name) && l.master?.startsWith(bridgePrefix))
      .filter((l) => !ourBridges.has(l.master!))
      .map((l) => l.name),
    filters: state.ports.map((p) => ({
      portId: p.id,
      device: p.device,
      bridge: bridgeOf.get(p.networkId) ?? bridgeNameOf(p.networkId),
      mac: p.mac,
      fixedIps: p.fixedIps,
      allowedAddressPairs: p.allowedAddressPairs,
      portSecurityEnabled: p.portSecurityEnabled,
      rules: p.rules,
    })),
    members: new Map(Object.entries(state.remoteGroups)),
    addressGroups: new Map(Object.entries(state.addressGroups ?? {})),
  };
}
