import type { MetadataLookup } from '../metadata/metadata-server.js';
import type { WorkloadNic } from '../drivers/driver.js';
import type { HostNetworkState } from './host-network-state.js';

/** A network as a host needs it to wire ports into it. */
export interface DataplaneNetwork {
  readonly id: string;
  readonly mtu: number;
  /** `provider:network_type` (vxlan, flat, vlan, local); unknown to a caller that has only a NIC. */
  readonly networkType?: string;
  /** VNI or VLAN id. */
  readonly segmentationId?: number | null;
  /** `provider:physical_network`. */
  readonly physicalNetwork?: string | null;
}

/** A network-owned port (DHCP, router interface or gateway) bound to the host, as it found it. */
export interface ServicePortStatus {
  readonly portId: string;
  readonly status: 'ACTIVE' | 'DOWN';
}

/** One rule of a security group, as the security-group API will hand it down. */
export interface DataplaneSecurityRule {
  readonly direction: 'ingress' | 'egress';
  readonly ethertype: 'IPv4' | 'IPv6';
  readonly protocol: string | null;
  readonly portRangeMin: number | null;
  readonly portRangeMax: number | null;
  readonly remoteIpPrefix: string | null;
}

/**
 * What a host's network dataplane does for the ports the network service binds to it
 * (Neutron's L2 agent and VIF plugging, in one seam). Every call is idempotent: a replay
 * after a crash changes nothing. `linux` wires the kernel
 * (src/agent/dataplane/linux), `fake` records what it was asked.
 */
export interface NetworkDataplane {
  readonly name: string;
  /** Neutron's binding:vif_type for the ports it plugs (the value Nova reads to wire a guest). */
  readonly vifType: string;
  /** Makes the network present on this host (bridge, VLAN or tunnel end). */
  ensureNetwork(net: DataplaneNetwork, signal: AbortSignal): Promise<void>;
  /** Creates the host-side device of the port and wires it in; returns the device's name. */
  plugPort(nic: WorkloadNic, signal: AbortSignal): Promise<string>;
  /** Takes the port's host-side device out; resolves for a port that is not plugged. */
  unplugPort(nic: Pick<WorkloadNic, 'portId' | 'hostName'>, signal: AbortSignal): Promise<void>;
  /** Replaces the port's filter with these rules (the security-group API is still to come). */
  applySecurityGroups(
    portId: string,
    rules: ReadonlyArray<DataplaneSecurityRule>,
    signal: AbortSignal,
  ): Promise<void>;
  /** The host's underlay address for VXLAN, registered with the host (a real dataplane has one). */
  readonly tunnelIp?: string | undefined;
  /**
   * Makes the host match its whole desired network state (level-triggered: repairs whatever
   * drifted). A dataplane without it wires only what the per-port calls ask.
   */
  sync?(state: HostNetworkState, signal: AbortSignal): Promise<unknown>;
  /**
   * The network-owned ports the last sync wired (ACTIVE) or could not (DOWN): the agent
   * reports them, as Neutron's DHCP and L3 agents report theirs. Instance ports are
   * reported by the plugging of their NICs instead.
   */
  servicePortStatuses?(): ReadonlyArray<ServicePortStatus>;
  /** Lets go of timers, watches and listeners when the agent stops. */
  close?(): void | Promise<void>;
  /** Serves the metadata service with the control plane's instance lookup (the linux dataplane). */
  serveMetadata?(lookup: MetadataLookup): void;
}
