import { describe, expect, it } from 'vitest';
import type { HostNetwork } from '../host-network-state.js';
import { dhcpSpecOf } from './dhcp-sync.js';

const subnet = (id: string, cidr: string, enableDhcp: boolean) => ({
  id,
  cidr,
  ipVersion: cidr.includes(':') ? 6 : 4,
  gatewayIp: null,
  enableDhcp,
  dnsNameservers: ['10.0.0.53'],
  hostRoutes: [],
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
  it('serves the IPv4 DHCP subnets with the leases on them, and metadata when a port is given', () => {
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
});
