import { describe, expect, it } from 'vitest';
import type { RouterState } from '../../host/router/router-spec.js';
import type { HostNetwork, HostSubnet } from '../host-network-state.js';
import { advertisedPrefixes } from './router-ra-plan.js';

const subnet = (id: string, cidr: string, raMode: string | null): HostSubnet => ({
  id,
  cidr,
  ipVersion: cidr.includes(':') ? 6 : 4,
  gatewayIp: null,
  enableDhcp: true,
  dnsNameservers: [],
  hostRoutes: [],
  ipv6RaMode: raMode,
  ipv6AddressMode: raMode,
});

const network = (id: string, subnets: HostSubnet[]): HostNetwork => ({
  id,
  mtu: 1450,
  networkType: 'vxlan',
  segmentationId: 1,
  physicalNetwork: null,
  subnets,
  remoteHosts: [],
  remotePorts: [],
});

const router: RouterState = {
  id: 'r1',
  gateway: undefined,
  routes: [],
  floatingIps: [],
  interfaces: [
    {
      portId: 'port-a-0000-0000',
      networkId: 'n1',
      mac: 'fa:16:3e:00:00:01',
      mtu: 1450,
      addresses: [
        { ip: '10.0.0.1', prefixLength: 24 },
        { ip: 'fd00:1::1', prefixLength: 64 },
      ],
    },
    {
      portId: 'port-b-0000-0000',
      networkId: 'n2',
      mac: 'fa:16:3e:00:00:02',
      mtu: 1400,
      addresses: [{ ip: 'fd00:3::1', prefixLength: 64 }],
    },
  ],
};

describe('advertisedPrefixes', () => {
  it('advertises the IPv6 subnets with an RA mode that the router has an address on', () => {
    const networks = [
      network('n1', [
        subnet('v4', '10.0.0.0/24', null),
        subnet('auto', 'fd00:1::/64', 'slaac'),
        // The router has no address here: not its subnet to advertise.
        subnet('elsewhere', 'fd00:2::/64', 'slaac'),
      ]),
      network('n2', [subnet('full', 'fd00:3::/64', 'dhcpv6-stateful')]),
    ];
    expect(advertisedPrefixes(router, networks)).toEqual([
      { subnetId: 'auto', interfaceName: 'qr-port-a-0000', cidr: 'fd00:1::/64', raMode: 'slaac', mtu: 1450 },
      {
        subnetId: 'full',
        interfaceName: 'qr-port-b-0000',
        cidr: 'fd00:3::/64',
        raMode: 'dhcpv6-stateful',
        mtu: 1400,
      },
    ]);
  });

  it('leaves subnets without ipv6_ra_mode (an outside router may advertise them) and unknown networks', () => {
    expect(advertisedPrefixes(router, [network('n1', [subnet('plain', 'fd00:1::/64', null)])])).toEqual([]);
    expect(advertisedPrefixes(router, [])).toEqual([]);
  });
});
