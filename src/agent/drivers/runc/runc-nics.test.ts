import { describe, expect, it } from 'vitest';
import type { WorkloadNic } from '../driver.js';
import { addressCommands, checkNic, netnsNameOf, nextIfName } from './runc-nics.js';

const nic: WorkloadNic = {
  portId: 'p1',
  networkId: 'n1',
  mac: 'fa:16:3e:12:34:56',
  mtu: 1450,
  hostName: 'tap1234abcd-12',
  fixedIps: [
    {
      subnetId: 's4',
      ipAddress: '10.0.0.5',
      cidr: '10.0.0.0/24',
      gateway: '10.0.0.1',
      dhcp: true,
      dnsNameservers: [],
      hostRoutes: [{ destination: '192.168.0.0/16', nexthop: '10.0.0.254' }],
    },
    {
      subnetId: 's6',
      ipAddress: 'fd00::5',
      cidr: 'fd00::/64',
      gateway: null,
      dhcp: false,
      dnsNameservers: [],
      hostRoutes: [],
    },
  ],
};

describe('runc NIC configuration', () => {
  it('sets every fixed IP with its prefix, host routes, and a default route per gateway with a per-NIC metric', () => {
    expect(addressCommands(nic, 'eth2')).toEqual([
      'link set eth2 up',
      'addr replace 10.0.0.5/24 dev eth2',
      'addr replace fd00::5/64 dev eth2 nodad',
      'route replace 192.168.0.0/16 via 10.0.0.254 dev eth2',
      'route replace 0.0.0.0/0 via 10.0.0.1 dev eth2 metric 102',
    ]);
    expect(addressCommands({ ...nic, fixedIps: [] }, 'eth0')).toEqual(['link set eth0 up']);
  });

  it('names interfaces eth<N> with the lowest free N', () => {
    expect(nextIfName([])).toBe('eth0');
    expect(nextIfName(['eth0', 'eth2'])).toBe('eth1');
    expect(nextIfName(['eth1', 'eth0'])).toBe('eth2');
  });

  it('refuses host names the kernel or a shell-free ip would not take, bad MACs and MTUs', () => {
    expect(() => checkNic(nic)).not.toThrow();
    expect(() => checkNic({ ...nic, hostName: 'tap1234abcd-1234' })).toThrow(/at most 15 bytes/);
    expect(() => checkNic({ ...nic, hostName: 'a/b' })).toThrow(/not a valid interface name/);
    expect(() => checkNic({ ...nic, mac: 'FA:16:3E:12:34:56' })).toThrow(/MAC/);
    expect(() => checkNic({ ...nic, mtu: 40 })).toThrow(/MTU 40/);
  });

  it('names the namespace after the whole workload id', () => {
    expect(netnsNameOf('1c9f2d7e-0000-4000-8000-000000000001')).toBe(
      'strata-1c9f2d7e-0000-4000-8000-000000000001',
    );
  });
});
