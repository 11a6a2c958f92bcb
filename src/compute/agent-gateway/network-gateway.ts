import type { HostNetworkState } from '../../agent/dataplane/host-network-state.js';
import type { NetworkControlPlane } from '../../agent/transport/control-plane.js';
import type { ServicePortStatus } from '../../agent/dataplane/network-dataplane.js';
import type { HostNetworkView } from '../../network/index.js';
import type { ComputeDeps } from '../compute-deps.js';
import { hostDeviceName } from '../networking/server-ports.js';
import { routerHostCandidates } from './router-hosts.js';
import type { WorkloadSpec } from '../../agent/drivers/driver.js';
import { dhcpWithHostnames, instanceAt, leaseHostnames, servesDhcp } from './dhcp-gateway.js';

/**
 * The network part of the control plane as agents see it: the network service's view of
 * the host, with what only compute knows added (the ports' host device names, the other
 * hosts' tunnel addresses). Change notices of the network service wake every watcher;
 * `onNotice` also forwards them to agents that long-poll over HTTP.
 */
export class NetworkGateway implements NetworkControlPlane {
  constructor(
    private readonly deps: ComputeDeps,
    private readonly onNotice: () => void,
  ) {
    deps.network.watchChanges(onNotice);
  }

  async hostState(hostname: string): Promise<HostNetworkState> {
    // Every host's pass re-checks where routers run: one whose host died moves within a pass.
    await this.deps.network.placeRouters(await routerHostCandidates(this.deps));
    if (await servesDhcp(this.deps, hostname)) await this.deps.network.syncDhcpPorts(hostname);
    const view = await this.deps.network.hostNetworkState(hostname);
    const hosts = view.networks.flatMap((n) => n.remotePorts.map((p) => p.host));
    return withTunnels(view, await this.#tunnelIps(hosts), await leaseHostnames(this.deps, view));
  }

  instanceAt(hostname: string, networkId: string, ipAddress: string): Promise<WorkloadSpec | undefined> {
    return instanceAt(this.deps, hostname, networkId, ipAddress);
  }

  /** Each status goes through the network service's host check: only ports bound here change. */
  async reportServicePorts(
    hostname: string,
    statuses: ReadonlyArray<ServicePortStatus>,
    vifType: string,
  ): Promise<ReadonlyArray<string>> {
    const accepted: string[] = [];
    for (const s of statuses)
      if (await this.deps.network.setPortStatus(s.portId, hostname, s.status, vifType))
        accepted.push(s.portId);
    return accepted;
  }

  watch(_hostname: string, onChange: () => void): () => void {
    return this.deps.network.watchChanges(onChange);
  }

  async #tunnelIps(hosts: ReadonlyArray<string>): Promise<Map<string, string>> {
    const unique = [...new Set(hosts)];
    if (unique.length === 0) return new Map();
    const rows = await this.deps.store.db
      .selectFrom('compute_hosts')
      .select(['hostname', 'tunnel_ip'])
      .where('hostname', 'in', unique)
      .execute();
    return new Map(rows.flatMap((r) => (r.tunnel_ip === null ? [] : [[r.hostname, r.tunnel_ip] as const])));
  }
}

/**
 * The agent's state from the network service's view: remote ports on hosts without a
 * tunnel address (fake hosts, hosts without a real dataplane) are left out; leases are
 * named after their servers' hostnames. Pure.
 */
export function withTunnels(
  view: HostNetworkView,
  tunnels: ReadonlyMap<string, string>,
  hostnames: ReadonlyMap<string, string> = new Map(),
): HostNetworkState {
  return {
    networks: view.networks.map(({ remotePorts, dhcp, ...n }) => {
      const reachable = remotePorts.flatMap((p) => {
        const tunnelIp = tunnels.get(p.host);
        return tunnelIp === undefined ? [] : [{ mac: p.mac, tunnelIp }];
      });
      return {
        ...n,
        remoteHosts: [...new Set(reachable.map((p) => p.tunnelIp))].sort(),
        remotePorts: reachable,
        ...(dhcp && { dhcp: dhcpWithHostnames(dhcp, hostnames) }),
      };
    }),
    ports: view.ports.map((p) => ({ ...p, device: hostDeviceName(p.id) })),
    remoteGroups: view.remoteGroups,
    ...(view.addressGroups !== undefined && { addressGroups: view.addressGroups }),
    ...(view.routers !== undefined && { routers: view.routers }),
    ...(view.externalNetwork !== undefined && { externalNetwork: view.externalNetwork }),
  };
}
