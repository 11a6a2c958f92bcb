import { describe, expect, it } from 'vitest';
import type { PortInfo } from '../../network/index.js';
import { addressesOf } from './server-addresses.js';
import { deviceOwnerOf, hostDeviceName, nicOf } from './server-ports.js';

const ip = (ipAddress: string, ipVersion: number, cidr: string) => ({
  subnetId: `sub-${ipVersion}`,
  ipAddress,
  ipVersion,
  cidr,
  gateway: null,
  dhcp: true,
  dnsNameservers: [],
  hostRoutes: [],
});

const port = (id: string, networkName: string, mac: string, ips: PortInfo['fixedIps']): PortInfo => ({
  id,
  networkId: `net-${networkName}`,
  networkName,
  mtu: 1450,
  projectId: 'p',
  macAddress: mac,
  status: 'ACTIVE',
  deviceId: 's',
  deviceOwner: 'compute:nova',
  hostId: 'h',
  fixedIps: ips,
  securityGroups: [],
  portSecurityEnabled: true,
});

describe('server addresses and NICs from ports', () => {
  it('groups addresses by network name in port order, with version, type and MAC', () => {
    const a = port('a', 'private', 'fa:16:3e:00:00:0a', [
      ip('10.0.0.5', 4, '10.0.0.0/24'),
      ip('fd00::5', 6, 'fd00::/64'),
    ]);
    const b = port('b', 'public', 'fa:16:3e:00:00:0b', [ip('172.24.4.9', 4, '172.24.4.0/24')]);
    const c = port('c', 'private', 'fa:16:3e:00:00:0c', [ip('10.0.0.6', 4, '10.0.0.0/24')]);
    const got = addressesOf([a, b, c]);
    expect(Object.keys(got)).toEqual(['private', 'public']);
    expect(got['private']).toEqual([
      {
        version: 4,
        addr: '10.0.0.5',
        'OS-EXT-IPS:type': 'fixed',
        'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:0a',
      },
      {
        version: 6,
        addr: 'fd00::5',
        'OS-EXT-IPS:type': 'fixed',
        'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:0a',
      },
      {
        version: 4,
        addr: '10.0.0.6',
        'OS-EXT-IPS:type': 'fixed',
        'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:0c',
      },
    ]);
  });

  it('names the host device as Nova (tap + 11 characters of the port id) within the 15-byte limit', () => {
    const id = '3f2a9c1e-77aa-4c7e-9d53-7f2f1e0b9a01';
    expect(hostDeviceName(id)).toBe('tap3f2a9c1e-77');
    expect(hostDeviceName(id).length).toBeLessThanOrEqual(15);
    const nic = nicOf(port(id, 'private', 'fa:16:3e:00:00:0a', [ip('10.0.0.5', 4, '10.0.0.0/24')]));
    expect(nic).toMatchObject({ portId: id, mtu: 1450, hostName: 'tap3f2a9c1e-77' });
    expect(nic.fixedIps[0]).toEqual({
      subnetId: 'sub-4',
      ipAddress: '10.0.0.5',
      cidr: '10.0.0.0/24',
      gateway: null,
      dhcp: true,
      dnsNameservers: [],
      hostRoutes: [],
    });
    expect(deviceOwnerOf(null)).toBe('compute:nova');
    expect(deviceOwnerOf('az1')).toBe('compute:az1');
  });
});
