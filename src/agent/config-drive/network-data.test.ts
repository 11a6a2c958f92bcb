import { describe, expect, it } from 'vitest';
import type { NicFixedIp, WorkloadNic } from '../drivers/driver.js';
import { networkData, v4Mask, v6Mask } from './network-data.js';

const v4: NicFixedIp = {
  subnetId: 's4',
  ipAddress: '10.0.0.5',
  cidr: '10.0.0.0/24',
  gateway: '10.0.0.1',
  dhcp: false,
  dnsNameservers: ['10.0.0.2', '9.9.9.9'],
  hostRoutes: [{ destination: '192.168.0.0/16', nexthop: '10.0.0.254' }],
};
const nic: WorkloadNic = {
  portId: '5e0c1d2f-aaaa-4bbb-8ccc-000000000001',
  networkId: 'n1',
  mac: 'fa:16:3e:12:34:56',
  mtu: 1450,
  hostName: 'tap5e0c1d2f-aa',
  fixedIps: [v4],
};

describe('network-data', () => {
  it('has one link per NIC with MAC, MTU and port id, and a static network per fixed IP', () => {
    const data = networkData([nic]);
    expect(data.links).toEqual([
      { id: 'tap5e0c1d2f-aa', type: 'vif', ethernet_mac_address: nic.mac, mtu: 1450, vif_id: nic.portId },
    ]);
    expect(data.networks).toEqual([
      {
        id: 'network0',
        type: 'ipv4',
        link: 'tap5e0c1d2f-aa',
        ip_address: '10.0.0.5',
        netmask: '255.255.255.0',
        routes: [
          { network: '0.0.0.0', netmask: '0.0.0.0', gateway: '10.0.0.1' },
          { network: '192.168.0.0', netmask: '255.255.0.0', gateway: '10.0.0.254' },
        ],
        network_id: 'n1',
        services: [
          { type: 'dns', address: '10.0.0.2' },
          { type: 'dns', address: '9.9.9.9' },
        ],
      },
    ]);
    expect(data.services).toEqual([
      { type: 'dns', address: '10.0.0.2' },
      { type: 'dns', address: '9.9.9.9' },
    ]);
  });

  it('uses DHCP types for subnets that serve DHCP, IPv6 masks, and no default route without a gateway', () => {
    const v6: NicFixedIp = {
      ...v4,
      ipAddress: 'fd00::5',
      cidr: 'fd00::/64',
      gateway: null,
      hostRoutes: [],
      dnsNameservers: [],
    };
    const second: WorkloadNic = {
      ...nic,
      portId: 'p2-0000000000',
      networkId: 'n2',
      fixedIps: [{ ...v4, dhcp: true }, v6],
    };
    const data = networkData([nic, second]);
    expect(data.links.map((l) => l.id)).toEqual(['tap5e0c1d2f-aa', 'tapp2-00000000']);
    expect(data.networks[1]).toEqual({
      id: 'network1',
      type: 'ipv4_dhcp',
      link: 'tapp2-00000000',
      network_id: 'n2',
    });
    expect(data.networks[2]).toMatchObject({
      id: 'network2',
      type: 'ipv6',
      ip_address: 'fd00::5',
      netmask: 'ffff:ffff:ffff:ffff::',
      routes: [],
    });
    expect(networkData([])).toEqual({ links: [], networks: [], services: [] });
  });

  it('writes prefix lengths as netmasks', () => {
    expect([0, 8, 23, 32].map(v4Mask)).toEqual(['0.0.0.0', '255.0.0.0', '255.255.254.0', '255.255.255.255']);
    expect([0, 56, 112, 128].map(v6Mask)).toEqual([
      '::',
      'ffff:ffff:ffff:ff00::',
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:0',
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ]);
  });
});
