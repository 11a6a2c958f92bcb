import type { NicFixedIp, WorkloadNic } from '../drivers/driver.js';

/** OpenStack's network_data.json: links (NICs), networks (addresses on them), services (DNS). */
export interface NetworkData {
  readonly links: ReadonlyArray<Link>;
  readonly networks: ReadonlyArray<Network>;
  readonly services: ReadonlyArray<{ readonly type: 'dns'; readonly address: string }>;
}

interface Link {
  readonly id: string;
  readonly type: 'vif';
  readonly ethernet_mac_address: string;
  readonly mtu: number;
  readonly vif_id: string;
}

interface Route {
  readonly network: string;
  readonly netmask: string;
  readonly gateway: string;
}

type Network =
  | {
      readonly id: string;
      readonly type: 'ipv4_dhcp' | 'ipv6_dhcp';
      readonly link: string;
      readonly network_id: string;
    }
  | {
      readonly id: string;
      readonly type: 'ipv4' | 'ipv6';
      readonly link: string;
      readonly ip_address: string;
      readonly netmask: string;
      readonly routes: ReadonlyArray<Route>;
      readonly network_id: string;
      readonly services: ReadonlyArray<{ readonly type: 'dns'; readonly address: string }>;
    };

/**
 * What a guest (cloud-init, glean) needs to configure its NICs without a metadata server:
 * one link per NIC in guest order, named as Nova names taps (`tap` + 11 characters of the
 * port id), and one network per fixed IP: DHCP when its subnet serves it, else static with
 * the default route via the gateway and the subnet's host routes.
 */
export function networkData(nics: ReadonlyArray<WorkloadNic>): NetworkData {
  const links = nics.map((nic): Link => ({
    id: linkId(nic),
    type: 'vif',
    ethernet_mac_address: nic.mac,
    mtu: nic.mtu,
    vif_id: nic.portId,
  }));
  const networks = nics.flatMap((nic) => nic.fixedIps.map((ip) => ({ nic, ip })));
  const dns = [...new Set(nics.flatMap((n) => n.fixedIps.flatMap((ip) => ip.dnsNameservers)))];
  return {
    links,
    networks: networks.map(({ nic, ip }, i) => network(`network${i}`, nic, ip)),
    services: dns.map((address) => ({ type: 'dns', address })),
  };
}

function network(id: string, nic: WorkloadNic, ip: NicFixedIp): Network {
  const v6 = ip.cidr.includes(':');
  const base = { id, link: linkId(nic), network_id: nic.networkId };
  if (ip.dhcp) return { ...base, type: v6 ? 'ipv6_dhcp' : 'ipv4_dhcp' };
  const prefix = Number(ip.cidr.split('/')[1]);
  const defaultRoute = ip.gateway
    ? [{ network: v6 ? '::' : '0.0.0.0', netmask: v6 ? '::' : '0.0.0.0', gateway: ip.gateway }]
    : [];
  const hostRoutes = ip.hostRoutes.map((r) => {
    const [net = '', len = '0'] = r.destination.split('/');
    const isV6 = net.includes(':');
    return { network: net, netmask: isV6 ? v6Mask(Number(len)) : v4Mask(Number(len)), gateway: r.nexthop };
  });
  return {
    ...base,
    type: v6 ? 'ipv6' : 'ipv4',
    ip_address: ip.ipAddress,
    netmask: v6 ? v6Mask(prefix) : v4Mask(prefix),
    routes: [...defaultRoute, ...hostRoutes],
    services: ip.dnsNameservers.map((address) => ({ type: 'dns', address })),
  };
}

function linkId(nic: WorkloadNic): string {
  return `tap${nic.portId.slice(0, 11)}`;
}

export function v4Mask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 0xff).join('.');
}

/** Written as Python's ipaddress does: groups without leading zeros, the longest zero run as `::`. */
export function v6Mask(prefix: number): string {
  const groups = Array.from({ length: 8 }, (_, i) => {
    const ones = Math.max(0, Math.min(16, prefix - i * 16));
    return ((0xffff << (16 - ones)) & 0xffff).toString(16);
  });
  const firstZero = groups.indexOf('0');
  // The zeros are all trailing; a single zero group stays as it is.
  if (firstZero < 0 || firstZero === 7) return groups.join(':');
  return `${groups.slice(0, firstZero).join(':')}::`;
}
