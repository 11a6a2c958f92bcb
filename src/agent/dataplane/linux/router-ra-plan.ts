import ipaddr from 'ipaddr.js';
import type { AdvertisedPrefix, Ipv6RaMode } from '../../host/router/router-advertisements.js';
import { routerIfNameOf } from '../../host/router/router-spec.js';
import type { RouterState } from '../../host/router/router-spec.js';
import type { HostNetwork, HostSubnet } from '../host-network-state.js';

const raModes: ReadonlyArray<string> = ['slaac', 'dhcpv6-stateful', 'dhcpv6-stateless'];

function contains(s: HostSubnet, ip: string): boolean {
  try {
    return ipaddr.parse(ip).match(ipaddr.parseCIDR(s.cidr));
  } catch {
    return false;
  }
}

/**
 * The prefixes a router advertises, as Neutron's L3 agent gives radvd: every IPv6 subnet
 * with an `ipv6_ra_mode` that one of its internal interfaces has an address on, on that
 * interface, with the network's MTU. Subnets without a mode are left alone (an external
 * router may advertise them). Pure.
 */
export function advertisedPrefixes(
  router: RouterState,
  networks: ReadonlyArray<HostNetwork>,
): AdvertisedPrefix[] {
  const byId = new Map(networks.map((n) => [n.id, n]));
  return router.interfaces.flatMap((i) => {
    const network = byId.get(i.networkId);
    const subnets = (network?.subnets ?? []).filter(
      (s) => s.ipVersion === 6 && raModes.includes(s.ipv6RaMode ?? ''),
    );
    const on = subnets.filter((s) => i.addresses.some((a) => contains(s, a.ip)));
    return on.map((s) => ({
      subnetId: s.id,
      interfaceName: routerIfNameOf('internal', i.portId),
      cidr: s.cidr,
      raMode: s.ipv6RaMode as Ipv6RaMode,
      mtu: i.mtu,
    }));
  });
}
