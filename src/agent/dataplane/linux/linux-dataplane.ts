import type { WorkloadNic } from '../../drivers/driver.js';
import {
  bridgeNameOf,
  deleteBridge,
  ensureBridge,
  plugIntoBridge,
  unplugFromBridge,
} from '../../host/bridge.js';
import type { GroupMembers, PortFilter } from '../../host/nft-ruleset.js';
import { linkInfo } from '../../host/veth.js';
import { ensureProviderUplink } from '../../host/vlan.js';
import type { RemoteFdbEntry } from '../../host/vxlan.js';
import {
  deleteVxlan,
  ensureVxlan,
  remoteFdbByDevice,
  remoteFdbMatches,
  setFloodDestinations,
  setRemoteMacs,
} from '../../host/vxlan.js';
import type { HostNetworkState } from '../host-network-state.js';
import type {
  DataplaneNetwork,
  DataplaneSecurityRule,
  NetworkDataplane,
  ServicePortStatus,
} from '../network-dataplane.js';
import { observeLinks } from './host-links.js';
import type { HostPlan, LinuxDataplaneConfig, NetworkWiring, ObservedLink } from './host-network-plan.js';
import { planHost, uplinkOf } from './host-network-plan.js';
import { DeviceWatch } from './device-watch.js';
import { PortFilterSync } from './port-filter-sync.js';
import type { FilterWrite } from './port-filter-sync.js';
import { RouterSync } from './router-sync.js';
import { DhcpSync } from './dhcp-sync.js';
import { observeRouterLinks, servicePortStatuses } from './service-ports.js';
import { dhcpNetnsName } from '../../host/dhcp/dhcp-spec.js';
import { defaultBridgeOwner } from './cloud-host-names.js';
import type { MetadataLookup } from '../../metadata/metadata-server.js';

export interface LinuxDataplaneOptions extends Partial<LinuxDataplaneConfig> {
  /** Named network namespace that is "the host" (tests, several hosts on one machine); else the agent's. */
  readonly netns?: string;
  /** The external network's far side; `strata-external` unless told. */
  readonly externalNetns?: string;
  /** The agent's data directory: with it, the host serves DHCP and metadata (dhcp-sync.ts). */
  readonly dataDir?: string;
  readonly metadataPort?: number;
  /**
   * Put before every machine-wide name the dataplane makes (`qrouter-…`, `qdhcp-…`,
   * `strata-external`), so several agents on one machine never share one; '' by default.
   */
  readonly namePrefix?: string;
  /** The host's nft tables (`inet <name>`, `bridge <name>`); `strata` unless told (cloud-host-names.ts). */
  readonly nftTable?: string;
}

/**
 * Neutron's Linux bridge agent on the kernel: a bridge per network (`brq…`) with its VXLAN
 * device (static flood list and FDB from the control plane) or physical uplink, each port's
 * tap or veth end in it, and one nftables ruleset for the whole host, changed atomically.
 * `sync` makes the host match a whole desired state (the network controller calls it); the
 * per-port calls of NetworkDataplane wire a port at once, before the next sync.
 */
export class LinuxDataplane implements NetworkDataplane {
  readonly name = 'linux';
  readonly vifType = 'bridge';
  readonly netns: string | undefined;
  readonly config: LinuxDataplaneConfig;
  readonly namePrefix: string;
  /** The filter last asked for, for applySecurityGroups. */
  #filters: ReadonlyArray<PortFilter> = [];
  #members: GroupMembers = new Map();
  #addressGroups: GroupMembers = new Map();
  readonly #filter: PortFilterSync;
  /** Per network, the wiring last applied (see #inPlace). */
  readonly #wired = new Map<string, string>();
  readonly #pending: DeviceWatch;
  readonly #routers: RouterSync;
  /** Host changes run one at a time: a sync and a port plug both creating a bridge would collide. */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #dhcp: DhcpSync | undefined;
  #servicePorts: ReadonlyArray<ServicePortStatus> = [];

  get tunnelIp(): string | undefined {
    return this.config.tunnelIp;
  }

  constructor(o: LinuxDataplaneOptions = {}) {
    this.netns = o.netns;
    this.namePrefix = o.namePrefix ?? '';
    this.config = {
      tunnelIp: o.tunnelIp,
      physicalNetworks: o.physicalNetworks ?? new Map(),
      bridgeOwner: o.bridgeOwner ?? defaultBridgeOwner,
    };
    this.#filter = new PortFilterSync(o.netns, o.nftTable);
    this.#pending = new DeviceWatch((device) => linkInfo(this.netns, device));
    this.#routers = new RouterSync({
      ...this.config,
      netns: o.netns,
      externalNetns: o.externalNetns,
      namePrefix: this.namePrefix,
      dataDir: o.dataDir,
    });
    this.#dhcp =
      o.dataDir === undefined
        ? undefined
        : new DhcpSync({ ...o, dataDir: o.dataDir, namePrefix: this.namePrefix });
  }

  /** The namespace of the network's DHCP server on this host (benchmarks and tests ping from it). */
  dhcpNetnsOf(networkId: string): string {
    return dhcpNetnsName(networkId, this.namePrefix);
  }

  /** Answers 169.254.169.254 on the networks served here, with the control plane's instances. */
  serveMetadata(lookup: MetadataLookup): void {
    this.#dhcp?.serveMetadata(lookup);
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  ensureNetwork(net: DataplaneNetwork): Promise<void> {
    return this.#serial(() => this.#ensureNetwork(net));
  }

  async #ensureNetwork(net: DataplaneNetwork): Promise<void> {
    const bridge = bridgeNameOf(net.id);
    await ensureBridge(this.netns, bridge, net.mtu, this.config.bridgeOwner);
    if (net.networkType === undefined) return;
    const uplink = uplinkOf(
      {
        id: net.id,
        mtu: net.mtu,
        networkType: net.networkType,
        segmentationId: net.segmentationId ?? null,
        physicalNetwork: net.physicalNetwork ?? null,
        subnets: [],
        remoteHosts: [],
        remotePorts: [],
      },
      this.config,
    );
    if (uplink?.kind === 'physical') await this.#wire({ networkId: net.id, bridge, mtu: net.mtu, uplink });
    else if (uplink?.kind === 'vxlan')
      await ensureVxlan(this.netns, {
        name: uplink.name,
        vni: uplink.vni,
        local: uplink.local,
        bridge,
        mtu: net.mtu,
      });
  }

  /**
   * Puts the port's device in its network's bridge. The driver makes the device when it
   * creates the workload, after this call: a device not there yet is plugged as soon as it
   * appears (and by the next sync at the latest).
   */
  plugPort(nic: WorkloadNic): Promise<string> {
    const bridge = bridgeNameOf(nic.networkId);
    const plug = () => this.#serial(() => plugIntoBridge(this.netns, nic.hostName, bridge, nic.mtu));
    return this.#serial(async () => {
      await ensureBridge(this.netns, bridge, nic.mtu, this.config.bridgeOwner);
      if ((await linkInfo(this.netns, nic.hostName)) !== undefined)
        await plugIntoBridge(this.netns, nic.hostName, bridge, nic.mtu);
      else this.#pending.add(nic.hostName, plug);
      return nic.hostName;
    });
  }

  unplugPort(nic: Pick<WorkloadNic, 'portId' | 'hostName'>): Promise<void> {
    this.#pending.remove(nic.hostName);
    return this.#serial(() => unplugFromBridge(this.netns, nic.hostName));
  }

  /** Replaces one port's rules in the host-wide ruleset (the next sync brings the rest of the state). */
  applySecurityGroups(portId: string, rules: ReadonlyArray<DataplaneSecurityRule>): Promise<void> {
    return this.#serial(() => this.#applyPortRules(portId, rules));
  }

  async #applyPortRules(portId: string, rules: ReadonlyArray<DataplaneSecurityRule>): Promise<void> {
    const filters = this.#filters.map((f) =>
      f.portId !== portId
        ? f
        : {
            ...f,
            rules: rules.map((r) => ({
              direction: r.direction,
              ethertype: r.ethertype,
              protocol: r.protocol,
              port_range_min: r.portRangeMin,
              port_range_max: r.portRangeMax,
              remote_ip_prefix: r.remoteIpPrefix,
              remote_group_id: null,
            })),
          },
    );
    await this.#applyFilter(filters, this.#members, this.#addressGroups);
  }

  /** Makes the host match the whole desired state; returns the plan it carried out. */
  sync(state: HostNetworkState): Promise<HostPlan> {
    return this.#serial(() => this.#sync(state));
  }

  async #sync(state: HostNetworkState): Promise<HostPlan> {
    // The filter first, before even looking at the links: a rule change is what must reach
    // running ports fastest, and the filter depends on the desired state alone.
    const wanted = planHost(state, [], this.config);
    await this.#applyFilter(wanted.filters, wanted.members, wanted.addressGroups);
    const links = await observeLinks(this.netns);
    const plan = planHost(state, links, this.config);
    const fdb = plan.networks.some((n) => n.uplink?.kind === 'vxlan')
      ? await remoteFdbByDevice(this.netns)
      : new Map<string, RemoteFdbEntry[]>();
    // A router, DHCP server or network that fails is retried next pass; the rest still goes
    // on, and the services' ports are reported as they are found either way.
    const failures: unknown[] = [];
    const taken = new Set(plan.vxlansOfOtherClouds);
    for (const n of plan.networks) {
      if (n.uplink?.kind === 'vxlan' && taken.has(n.uplink.name)) failures.push(vxlanTaken(n.uplink));
      else if (!this.#inPlace(n, links, fdb)) await this.#wire(n);
    }
    for (const p of plan.plugs) await plugIntoBridge(this.netns, p.device, p.bridge, p.mtu);
    await this.#routers.sync(state).catch((err: unknown) => failures.push(err)); // veths into the bridges just made
    const dhcpUp = await this.#dhcp?.sync(state).catch((err: unknown) => void failures.push(err));
    const routerLinksUp = await observeRouterLinks(
      (state.routers ?? []).map((r) => r.id),
      this.namePrefix,
    );
    this.#servicePorts = servicePortStatuses(state, {
      dhcpUp: this.#dhcp === undefined ? new Set() : dhcpUp,
      routerLinksUp,
    });
    if (failures.length > 0) throw failures[0];
    for (const name of plan.staleVxlans) await deleteVxlan(this.netns, name);
    for (const name of plan.staleBridges) await deleteBridge(this.netns, name);
    for (const id of this.#wired.keys())
      if (!plan.networks.some((n) => n.networkId === id)) this.#wired.delete(id);
    return plan;
  }

  servicePortStatuses(): ReadonlyArray<ServicePortStatus> {
    return this.#servicePorts;
  }

  /**
   * Whether the network is wired as last time and its links and VXLAN FDB are still there (a
   * deleted bridge or VXLAN device, or a lost FDB entry, is wired again; an unchanged network
   * costs no command).
   */
  #inPlace(
    n: NetworkWiring,
    links: ReadonlyArray<ObservedLink>,
    fdb: ReadonlyMap<string, ReadonlyArray<RemoteFdbEntry>>,
  ): boolean {
    const bridge = links.find((l) => l.name === n.bridge);
    if (bridge?.kind !== 'bridge' || bridge.mtu !== n.mtu || bridge.alias !== this.config.bridgeOwner)
      return false;
    const u = n.uplink;
    if (u?.kind === 'vxlan' && links.find((l) => l.name === u.name)?.master !== n.bridge) return false;
    if (u?.kind === 'vxlan' && !remoteFdbMatches(fdb.get(u.name) ?? [], u.floodTo, u.remoteMacs))
      return false;
    return this.#wired.get(n.networkId) === wiringKey(n);
  }

  /** Stops waiting for devices (the agent is stopping). */
  async close(): Promise<void> {
    this.#pending.clear();
    await this.#dhcp?.close();
  }

  async #wire(n: NetworkWiring): Promise<void> {
    this.#wired.delete(n.networkId);
    await ensureBridge(this.netns, n.bridge, n.mtu, this.config.bridgeOwner);
    const u = n.uplink;
    if (u?.kind === 'vxlan') {
      await ensureVxlan(this.netns, {
        name: u.name,
        vni: u.vni,
        local: u.local,
        bridge: n.bridge,
        mtu: n.mtu,
      });
      await setFloodDestinations(this.netns, u.name, u.floodTo);
      await setRemoteMacs(this.netns, u.name, u.remoteMacs);
    } else if (u?.kind === 'physical') {
      await ensureProviderUplink(this.netns, {
        physicalInterface: u.physicalInterface,
        vlanId: u.vlanId,
        bridge: n.bridge,
        mtu: n.mtu,
      });
    }
    this.#wired.set(n.networkId, wiringKey(n));
  }

  /** What the last filter pass wrote to nft (tests and benchmarks read it). */
  get lastFilterWrite(): FilterWrite {
    return this.#filter.lastWrite;
  }

  /**
   * One `nft -f` transaction: only what changed since the last pass when the kernel still
   * holds that, else the whole filter (see PortFilterSync); with no port filtered, Strata's
   * tables go.
   */
  async #applyFilter(
    filters: ReadonlyArray<PortFilter>,
    members: GroupMembers,
    addressGroups: GroupMembers,
  ): Promise<void> {
    this.#filters = filters;
    this.#members = members;
    this.#addressGroups = addressGroups;
    await this.#filter.apply(filters, members, addressGroups);
  }
}

/** Why a network with the VNI of another cloud's network on this host is not wired. */
function vxlanTaken(u: { name: string; vni: number }): Error {
  return new Error(
    `${u.name}: VNI ${u.vni} is another cloud's on this host (the kernel allows one VXLAN ` +
      'device per VNI and UDP port), so this network stays unwired here; give it another segmentation id',
  );
}

/** A wiring as comparable text (the remote MACs map spelled out). */
function wiringKey(n: NetworkWiring): string {
  const u = n.uplink;
  return JSON.stringify(u?.kind === 'vxlan' ? { ...n, uplink: { ...u, remoteMacs: [...u.remoteMacs] } } : n);
}
