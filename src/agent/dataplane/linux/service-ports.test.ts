import { describe, expect, it } from 'vitest';
import type { HostNetwork, HostNetworkState } from '../host-network-state.js';
import type { RouterState } from '../../host/router/router-spec.js';
import { servicePortStatuses, upRouterLinks } from './service-ports.js';

const network = (id: string, dhcpPort?: string): HostNetwork => ({
  id,
  mtu: 1450,
  networkType: 'vxlan',
  segmentationId: 7,
  physicalNetwork: null,
  subnets: [],
  remoteHosts: [],
  remotePorts: [],
  ...(dhcpPort !== undefined && {
    dhcp: { portId: dhcpPort, mac: 'fa:16:3e:00:00:01', fixedIps: [], leases: [] },
  }),
});

const iface = (portId: string) => ({
  portId,
  networkId: 'n1',
  mac: 'fa:16:3e:00:00:02',
  mtu: 1450,
  addresses: [],
});

const router: RouterState = {
  id: 'r1',
  gateway: { ...iface('gw-port-0000'), nextHop: undefined, snat: true },
  interfaces: [iface('if-port-0000'), iface('if2-port-000')],
  routes: [],
  floatingIps: [],
};

const state: HostNetworkState = {
  networks: [network('n1', 'dhcp-port-01'), network('n2', 'dhcp-port-02'), network('n3')],
  ports: [],
  remoteGroups: {},
  routers: [router],
};

describe('service port status', () => {
  it('is ACTIVE for a DHCP port whose dnsmasq serves and a router port whose interface is up, DOWN otherwise', () => {
    const got = servicePortStatuses(state, {
      dhcpUp: new Set(['dhcp-port-01']),
      routerLinksUp: new Set(['qg-gw-port-000', 'qr-if-port-000']),
    });
    expect(got).toEqual([
      { portId: 'dhcp-port-01', status: 'ACTIVE' },
      { portId: 'dhcp-port-02', status: 'DOWN' },
      { portId: 'gw-port-0000', status: 'ACTIVE' },
      { portId: 'if-port-0000', status: 'ACTIVE' },
      { portId: 'if2-port-000', status: 'DOWN' },
    ]);
  });

  it('claims nothing of DHCP ports when the DHCP pass did not finish', () => {
    const got = servicePortStatuses(state, { dhcpUp: undefined, routerLinksUp: new Set() });
    expect(got.map((s) => s.portId)).toEqual(['gw-port-0000', 'if-port-0000', 'if2-port-000']);
    expect(got.every((s) => s.status === 'DOWN')).toBe(true);
  });

  it('takes a router interface as up only when it is set up and has carrier', () => {
    const json = JSON.stringify([
      { ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'] },
      { ifname: 'qr-up', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'] },
      { ifname: 'qr-nocarrier', flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'] },
      { ifname: 'qg-down', flags: ['BROADCAST', 'MULTICAST'] },
    ]);
    expect(upRouterLinks(json)).toEqual(['lo', 'qr-up']);
  });
});
