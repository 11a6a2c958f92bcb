import type { PortInfo } from '../../network/index.js';
import type { ComputeDeps } from '../compute-deps.js';

/** One address as the server view shows it (Nova's extended IPs and IP MAC). */
export interface AddressView {
  readonly version: number;
  readonly addr: string;
  readonly 'OS-EXT-IPS:type': 'fixed';
  readonly 'OS-EXT-IPS-MAC:mac_addr': string;
}

export type Addresses = Readonly<Record<string, ReadonlyArray<AddressView>>>;

/** What the server view shows of each server's ports. */
export interface ServerNetworking {
  addresses(serverId: string): Addresses;
  /**
   * The ports' security groups, by name. Undefined until the network service has a
   * security-group API to name them (the view keeps Nova's default then).
   */
  securityGroups(serverId: string): ReadonlyArray<{ name: string }> | undefined;
}

/** Addresses by network name, in port order (Nova's network info cache order). */
export function addressesOf(ports: ReadonlyArray<PortInfo>): Addresses {
  const out: Record<string, AddressView[]> = {};
  for (const p of ports) {
    const list = (out[p.networkName] ??= []);
    for (const ip of p.fixedIps)
      list.push({
        version: ip.ipVersion,
        addr: ip.ipAddress,
        'OS-EXT-IPS:type': 'fixed',
        'OS-EXT-IPS-MAC:mac_addr': p.macAddress,
      });
  }
  return out;
}

/** One read of the ports of a page of servers (one query however many servers). */
export async function serverNetworking(
  deps: ComputeDeps,
  serverIds: ReadonlyArray<string>,
): Promise<ServerNetworking> {
  const byServer = new Map<string, PortInfo[]>();
  for (const p of await deps.network.portsOfDevices(serverIds)) {
    const list = byServer.get(p.deviceId);
    if (list === undefined) byServer.set(p.deviceId, [p]);
    else list.push(p);
  }
  return {
    addresses: (id) => addressesOf(byServer.get(id) ?? []),
    // The seam for security groups: port.securityGroups holds ids; naming them waits for the API.
    securityGroups: () => undefined,
  };
}
