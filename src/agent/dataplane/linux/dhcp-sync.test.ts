import { describe, expect, it } from 'vitest';
import type { HostNetwork } from '../host-network-state.js';
import { dhcpSpecOf } from './dhcp-sync.js';

const subnet = (id: string, cidr: string, enableDhcp: boolean, ipv6Mode: string | null = 'slaac') => ({
  id,
  cidr,
  ipVersion: cidr.includes(':') ? 6 : 4,
  gatewayIp: null,
  enableDhcp,
  dnsNameservers: ['10.0.0.53'],
  hostRoutes: [],
  ...(cidr.includes(':') && { ipv6RaMode: ipv6Mode, ipv6AddressMode: ipv6Mode }),
});

const network = (over: Partial<HostNetwork> = {}): HostNetwork => ({
  id: 'net-1',
  mtu: 1450,
  networkType: 'vxlan',
  segmentationId: 7,
  physicalNetwork: null,
  subnets: [
    subnet('s4', '10.0.0.0/24', true),
    subnet('s6', 'fd00::/64', true),
    subnet('off', '10.1.0.0/24', false),
  ],
  remoteHosts: [],
  remotePorts: [],
  dhcp: {
    portId: 'dhcp-port',
    mac: 'fa:16:3e:00:00:02',
    fixedIps: [{ subnetId: 's4', ipAddress: '10.0.0.2' }],
    leases: [
      { mac: 'fa:16:3e:00:00:05', ipAddress: '10.0.0.5', subnetId: 's4', hostname: 'web' },
      { mac: 'fa:16:3e:00:00:05', ipAddress: 'fd00::5', subnetId: 's6', hostname: 'web' },
      { mac: 'fa:16:3e:00:00:06', ipAddress: '10.1.0.6', subnetId: 'off', hostname: 'db' },
    ],
  },
  ...over,
});

describe('dhcpSpecOf', () => {
  it('serves the IPv4 DHCP subnets (not SLAAC ones) with the leases on them, and metadata when a port is given', () => {
    const spec = dhcpSpecOf(network(), 8775)!;
    expect(spec.subnets.map((s) => s.subnetId)).toEqual(['s4']);
    expect(spec.hosts).toEqual([
      { mac: 'fa:16:3e:00:00:05', ipAddress: '10.0.0.5', subnetId: 's4', hostname: 'web' },
    ]);
    expect(spec.port).toEqual({
      portId: 'dhcp-port',
      mac: 'fa:16:3e:00:00:02',
      fixedIps: [{ subnetId: 's4', ipAddress: '10.0.0.2' }],
    });
    expect(spec.metadataPort).toBe(8775);
    expect(dhcpSpecOf(network(), undefined)!.metadataPort).toBeUndefined();
  });

  it("names the hosts in the network's DNS domain, none when it has none", () => {
    expect(dhcpSpecOf(network({ dnsDomain: 'example.org.' }), undefined)!.dnsDomain).toBe('example.org.');
    expect(dhcpSpecOf(network({ dnsDomain: '' }), undefined)!.dnsDomain).toBeNull();
    expect(dhcpSpecOf(network(), undefined)!.dnsDomain).toBeNull();
  });

  it('serves nothing without a DHCP port here, or without an IPv4 DHCP subnet', () => {
    expect(dhcpSpecOf(network({ dhcp: undefined }), 8775)).toBeUndefined();
    expect(dhcpSpecOf(network({ subnets: [subnet('off', '10.1.0.0/24', false)] }), 8775)).toBeUndefined();
  });

  it('serves DHCPv6 stateful and stateless subnets, and IPv6 ones without modes, with their address mode', () => {
    const subnets = [
      subnet('s4', '10.0.0.0/24', true),
      subnet('full', 'fd00::/64', true, 'dhcpv6-stateful'),
      subnet('info', 'fd01::/64', true, 'dhcpv6-stateless'),
      subnet('plain', 'fd02::/64', true, null),
      subnet('auto', 'fd03::/64', true, 'slaac'),
      subnet('off6', 'fd04::/64', false, 'dhcpv6-stateful'),
    ];
    const spec = dhcpSpecOf(network({ subnets }), undefined)!;
    expect(spec.subnets.map((s) => [s.subnetId, s.ipv6AddressMode])).toEqual([
      ['s4', undefined],
      ['full', 'dhcpv6-stateful'],
      ['info', 'dhcpv6-stateless'],
      ['plain', null],
    ]);
    expect(spec.hosts.map((h) => h.ipAddress)).toEqual(['10.0.0.5']);
  });
});
