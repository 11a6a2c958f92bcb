import type { HostDhcp } from '../../agent/dataplane/host-network-state.js';
import type { WorkloadSpec } from '../../agent/drivers/driver.js';
import type { HostNetworkView } from '../../network/index.js';
import type { ComputeDeps } from '../compute-deps.js';
import { getServer } from '../servers/server-store.js';
import { workloadSpecOf } from './workload-spec.js';

type DhcpView = NonNullable<HostNetworkView['networks'][number]['dhcp']>;

/**
 * Whether the host's dataplane serves DHCP and metadata: hosts with a real dataplane
 * register a tunnel address (the fake one gives none, so fake clouds get no DHCP ports).
 */
export async function servesDhcp(deps: ComputeDeps, hostname: string): Promise<boolean> {
  const row = await deps.store.db
    .selectFrom('compute_hosts')
    .select('tunnel_ip')
    .where('hostname', '=', hostname)
    .executeTakeFirst();
  return row !== undefined && row.tunnel_ip !== null;
}

/** Server id → hostname, for the leases of the networks the host serves DHCP for. */
export async function leaseHostnames(deps: ComputeDeps, view: HostNetworkView): Promise<Map<string, string>> {
  const ids = [...new Set(view.networks.flatMap((n) => n.dhcp?.leases.map((l) => l.deviceId) ?? []))];
  if (ids.length === 0) return new Map();
  const rows = await deps.store.db
    .selectFrom('servers')
    .select(['id', 'hostname'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, r.hostname]));
}

/** The agent's DHCP state: leases of servers compute knows, named by their hostnames. Pure. */
export function dhcpWithHostnames(view: DhcpView, hostnames: ReadonlyMap<string, string>): HostDhcp {
  return {
    portId: view.portId,
    mac: view.mac,
    fixedIps: view.fixedIps,
    leases: view.leases.flatMap((l) => {
      const hostname = l.dnsName !== '' ? l.dnsName.replace(/\.$/, '') : hostnames.get(l.deviceId);
      return hostname === undefined || hostname === ''
        ? []
        : [{ mac: l.mac, ipAddress: l.ipAddress, subnetId: l.subnetId, hostname }];
    }),
  };
}

/**
 * The instance holding `ipAddress` on the network, for the metadata service of the host
 * that serves the network's DHCP; any other host, or an address no live server holds,
 * gets undefined (an agent learns nothing about networks it does not serve).
 */
export async function instanceAt(
  deps: ComputeDeps,
  hostname: string,
  networkId: string,
  ipAddress: string,
): Promise<WorkloadSpec | undefined> {
  if ((await deps.network.dhcpHostOf(networkId)) !== hostname) return undefined;
  const deviceId = await deps.network.addressHolder(networkId, ipAddress);
  if (deviceId === undefined || deviceId === '') return undefined;
  const server = await getServer(deps.store.db, deviceId);
  if (server === undefined || server.deletedAt !== null) return undefined;
  return workloadSpecOf(deps, server);
}
