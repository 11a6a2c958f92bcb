import type { Db } from '../../db/db-handle.js';
import { allocationsOf } from '../ports/port-store.js';
import { dhcpOwner } from './dhcp-ports.js';

/** One static lease: an address of an instance port of the network (on any host). */
export interface HostLeaseView {
  readonly mac: string;
  readonly ipAddress: string;
  readonly subnetId: string;
  /** The port's device (the server id); compute names the host after the server. */
  readonly deviceId: string;
  /** The port's `dns_name` ('' for none): its host name in DNS and DHCP. */
  readonly dnsName: string;
}

/** What a host serving a network's DHCP needs: its DHCP port and every lease to hand out. */
export interface HostDhcpView {
  readonly portId: string;
  readonly mac: string;
  readonly fixedIps: Array<{ subnetId: string; ipAddress: string }>;
  readonly leases: HostLeaseView[];
}

/** The DHCP of the networks whose DHCP port is bound to `host` (Neutron's get_active_networks_info). */
export async function hostDhcpViews(
  db: Db,
  host: string,
  networkIds: ReadonlyArray<string>,
): Promise<Map<string, HostDhcpView>> {
  if (networkIds.length === 0) return new Map();
  const dhcpPorts = await db
    .selectFrom('ports')
    .selectAll()
    .where('device_owner', '=', dhcpOwner)
    .where('binding_host_id', '=', host)
    .where('network_id', 'in', [...networkIds])
    .orderBy('id')
    .execute();
  if (dhcpPorts.length === 0) return new Map();
  const instances = await db
    .selectFrom('ports')
    .selectAll()
    .where('device_owner', 'like', 'compute:%')
    .where(
      'network_id',
      'in',
      dhcpPorts.map((p) => p.network_id),
    )
    .orderBy('id')
    .execute();
  const ips = await allocationsOf(db, [...dhcpPorts, ...instances]);
  return new Map(
    dhcpPorts.map((d) => [
      d.network_id,
      {
        portId: d.id,
        mac: d.mac_address,
        fixedIps: (ips.get(d.id) ?? []).map((a) => ({ subnetId: a.subnet_id, ipAddress: a.ip_address })),
        leases: instances
          .filter((p) => p.network_id === d.network_id)
          .flatMap((p) =>
            (ips.get(p.id) ?? []).map((a) => ({
              mac: p.mac_address,
              ipAddress: a.ip_address,
              subnetId: a.subnet_id,
              deviceId: p.device_id,
              dnsName: p.dns_name,
            })),
          ),
      },
    ]),
  );
}
