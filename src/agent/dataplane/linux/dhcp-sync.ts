import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDhcp, removeDhcp } from '../../host/dhcp/dhcp.js';
import { servesDhcp } from '../../host/dhcp/dhcp-spec.js';
import type { DhcpContext, DhcpSpec } from '../../host/dhcp/dhcp-spec.js';
import { MetadataServer } from '../../metadata/metadata-server.js';
import type { MetadataLookup } from '../../metadata/metadata-server.js';
import type { HostDhcp, HostNetwork, HostNetworkState } from '../host-network-state.js';

/** Nova's metadata API port: the agent's listeners bind it on each network's metadata address. */
export const defaultMetadataPort = 8775;

export interface DhcpSyncOptions {
  /** The agent's data directory (each network's dnsmasq files go under `<dataDir>/dhcp`). */
  readonly dataDir: string;
  /** Namespace holding the bridges ("the host"); the agent's own when undefined. */
  readonly netns?: string;
  readonly metadataPort?: number;
  /** Before the `qdhcp-…` namespace names (several agents on one machine); '' by default. */
  readonly namePrefix?: string;
}

/**
 * Neutron's DHCP agent with isolated metadata, on the linux dataplane: every network whose
 * DHCP port is bound here gets its `qdhcp-` namespace and dnsmasq (static leases), and
 * 169.254.169.254 forwarded to this agent's metadata listener for the network; a network
 * that stopped being served here loses all of it. Metadata is served once the agent gives
 * the control plane's instance lookup (`serveMetadata`).
 */
export class DhcpSync {
  #metadata: MetadataServer | undefined;
  readonly #ctx: DhcpContext;

  constructor(private readonly o: DhcpSyncOptions) {
    this.#ctx = {
      dataDir: o.dataDir,
      ...(o.netns !== undefined && { hostNetns: o.netns }),
      ...(o.namePrefix !== undefined && { namePrefix: o.namePrefix }),
    };
  }

  serveMetadata(lookup: MetadataLookup): void {
    this.#metadata ??= new MetadataServer(lookup, this.o.metadataPort ?? defaultMetadataPort);
  }

  /** Returns the DHCP ports whose dnsmasq is serving (ensureDhcp checks it stayed up). */
  async sync(state: HostNetworkState): Promise<Set<string>> {
    const served = state.networks.filter((n) => dhcpSpecOf(n, undefined) !== undefined);
    const up = new Set<string>();
    for (const n of served) {
      const spec = dhcpSpecOf(n, this.#metadata && (this.o.metadataPort ?? defaultMetadataPort))!;
      const done = await ensureDhcp(spec, this.#ctx);
      up.add(spec.port.portId);
      if (done.metadata !== undefined) await this.#metadata?.serve(n.id, done.metadata.hostAddress);
    }
    const keep = new Set(served.map((n) => n.id));
    for (const id of await this.#servedHere()) {
      if (keep.has(id)) continue;
      await this.#metadata?.unserve(id);
      await removeDhcp(id, this.#ctx);
    }
    return up;
  }

  /** Stops the listeners; dnsmasq keeps serving leases while the agent is away (as Neutron's). */
  async close(): Promise<void> {
    await this.#metadata?.close();
  }

  /** The networks with DHCP state on this host: their directories under `<dataDir>/dhcp`. */
  async #servedHere(): Promise<string[]> {
    return readdir(join(this.o.dataDir, 'dhcp')).catch(() => [] as string[]);
  }
}

/** The DHCP server's spec for a network served here, undefined when it has no DHCP to serve. Pure. */
export function dhcpSpecOf(n: HostNetwork, metadataPort: number | undefined): DhcpSpec | undefined {
  const dhcp: HostDhcp | undefined = n.dhcp;
  const subnets = n.subnets.filter(servesDhcp);
  if (dhcp === undefined || subnets.length === 0 || dhcp.fixedIps.length === 0) return undefined;
  return {
    networkId: n.id,
    mtu: n.mtu,
    dnsDomain: n.dnsDomain === undefined || n.dnsDomain === '' ? null : n.dnsDomain,
    port: { portId: dhcp.portId, mac: dhcp.mac, fixedIps: dhcp.fixedIps },
    subnets: subnets.map((s) => ({
      subnetId: s.id,
      cidr: s.cidr,
      ...(s.ipVersion === 6 && { ipv6AddressMode: s.ipv6AddressMode ?? null }),
      gatewayIp: s.gatewayIp,
      dnsNameservers: s.dnsNameservers,
      hostRoutes: s.hostRoutes,
    })),
    hosts: dhcp.leases
      .filter((l) => subnets.some((s) => s.id === l.subnetId))
      .map((l) => ({
        mac: l.mac,
        ipAddress: l.ipAddress,
        subnetId: l.subnetId,
        hostname: l.hostname,
      })),
    ...(metadataPort !== undefined && { metadataPort }),
  };
}
