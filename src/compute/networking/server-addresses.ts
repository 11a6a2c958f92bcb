import type { NetworkUser, PortInfo, SecurityGroupInfo } from '../../network/index.js';
import type { ComputeDeps } from '../compute-deps.js';

/** One address as the server view shows it (Nova's extended IPs and IP MAC). */
export interface AddressView {
  readonly version: number;
  readonly addr: string;
  readonly 'OS-EXT-IPS:type': 'fixed' | 'floating';
  readonly 'OS-EXT-IPS-MAC:mac_addr': string;
}

export type Addresses = Readonly<Record<string, ReadonlyArray<AddressView>>>;

/** What the server view shows of each server's ports. */
export interface ServerNetworking {
  addresses(serverId: string): Addresses;
  /**
   * The ports' security groups by name, one entry per port and group as Nova lists them
   * (a group on two ports shows twice); empty for a server without ports.
   */
  securityGroups(serverId: string): ReadonlyArray<{ name: string }>;
}

/** Addresses by network name, in port order (Nova's network info cache order). */
export function addressesOf(ports: ReadonlyArray<PortInfo>): Addresses {
  const out: Record<string, AddressView[]> = {};
  for (const p of ports) {
    const list = (out[p.networkName] ??= []);
    for (const ip of p.fixedIps) {
      list.push({
        version: ip.ipVersion,
        addr: ip.ipAddress,
        'OS-EXT-IPS:type': 'fixed',
        'OS-EXT-IPS-MAC:mac_addr': p.macAddress,
      });
      // Nova lists a fixed address's floating ones right after it, with the port's MAC.
      for (const floating of ip.floatingIps ?? [])
        list.push({
          version: floating.includes(':') ? 6 : 4,
          addr: floating,
          'OS-EXT-IPS:type': 'floating',
          'OS-EXT-IPS-MAC:mac_addr': p.macAddress,
        });
    }
  }
  return out;
}

/**
 * Nova's get_instances_security_groups_bindings: each port's groups in port order, skipping
 * groups the user cannot see (Neutron did not return them).
 */
export function groupsOfPorts(
  ports: ReadonlyArray<PortInfo>,
  groups: ReadonlyMap<string, SecurityGroupInfo>,
): SecurityGroupInfo[] {
  return ports.flatMap((p) => p.securityGroups.flatMap((id) => groups.get(id) ?? []));
}

/** The groups named by these ports, by id: one network read (Nova's list by ids). */
export async function groupsById(
  deps: ComputeDeps,
  user: NetworkUser,
  ports: ReadonlyArray<PortInfo>,
): Promise<Map<string, SecurityGroupInfo>> {
  const ids = [...new Set(ports.flatMap((p) => p.securityGroups))];
  if (ids.length === 0) return new Map();
  return new Map((await deps.network.securityGroups(user, ids)).map((g) => [g.id, g]));
}

/** One read of the ports of a page of servers and one of their groups, however many servers. */
export async function serverNetworking(
  deps: ComputeDeps,
  user: NetworkUser,
  serverIds: ReadonlyArray<string>,
): Promise<ServerNetworking> {
  const ports = await deps.network.portsOfDevices(serverIds);
  const byServer = new Map<string, PortInfo[]>();
  for (const p of ports) {
    const list = byServer.get(p.deviceId);
    if (list === undefined) byServer.set(p.deviceId, [p]);
    else list.push(p);
  }
  const groups = await groupsById(deps, user, ports);
  return {
    addresses: (id) => addressesOf(byServer.get(id) ?? []),
    // Neutron's name is optional: Nova shows the id then.
    securityGroups: (id) =>
      groupsOfPorts(byServer.get(id) ?? [], groups).map((g) => ({ name: g.name || g.id })),
  };
}
