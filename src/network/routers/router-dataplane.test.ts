import { describe, expect, it } from 'vitest';
import type { RouterSpec } from '../../agent/host/router/router-spec.js';
import { routerDataplaneSpec } from './router-dataplane.js';
import type { RouterPortFacts } from './router-dataplane.js';
import { gatewayOwner, interfaceOwner } from './router-store.js';

const router = {
  id: 'r1',
  admin_state_up: 1 as const,
  gw_port_id: 'pg',
  enable_snat: 1 as const,
  routes: JSON.stringify([{ destination: '192.168.50.0/24', nexthop: '10.0.0.9' }]),
};

const publicV4 = { cidr: '172.24.4.0/24', gateway_ip: '172.24.4.1', ip_version: 4 };
const publicV6 = { cidr: '2001:db8::/64', gateway_ip: '2001:db8::1', ip_version: 6 };
const ports: RouterPortFacts[] = [
  {
    port: { id: 'pi', network_id: 'private', mac_address: 'fa:16:3e:00:00:01', device_owner: interfaceOwner },
    mtu: 1450,
    fixedIps: [
      { ipAddress: '10.0.0.1', subnet: { cidr: '10.0.0.0/26', gateway_ip: '10.0.0.1', ip_version: 4 } },
    ],
  },
  {
    port: { id: 'pg', network_id: 'public', mac_address: 'fa:16:3e:00:00:10', device_owner: gatewayOwner },
    mtu: 1500,
    fixedIps: [
      { ipAddress: '2001:db8::10', subnet: publicV6 },
      { ipAddress: '172.24.4.10', subnet: publicV4 },
    ],
  },
];

const fips = [
  { floating_ip_address: '172.24.4.20', fixed_ip_address: '10.0.0.5', router_id: 'r1' },
  { floating_ip_address: '172.24.4.21', fixed_ip_address: null, router_id: null },
  { floating_ip_address: '172.24.4.22', fixed_ip_address: '10.1.0.5', router_id: 'r2' },
];

describe('routerDataplaneSpec', () => {
  it("gives the host the router's interfaces, gateway, routes and its associated floating IPs", () => {
    const spec: RouterSpec | undefined = routerDataplaneSpec(router, ports, fips);
    expect(spec).toEqual({
      id: 'r1',
      gateway: {
        portId: 'pg',
        networkId: 'public',
        mac: 'fa:16:3e:00:00:10',
        mtu: 1500,
        addresses: [
          { ip: '2001:db8::10', prefixLength: 64 },
          { ip: '172.24.4.10', prefixLength: 24 },
        ],
        nextHop: '172.24.4.1',
        snat: true,
      },
      interfaces: [
        {
          portId: 'pi',
          networkId: 'private',
          mac: 'fa:16:3e:00:00:01',
          mtu: 1450,
          addresses: [{ ip: '10.0.0.1', prefixLength: 26 }],
        },
      ],
      routes: [{ destination: '192.168.50.0/24', nexthop: '10.0.0.9' }],
      floatingIps: [{ floatingIp: '172.24.4.20', fixedIp: '10.0.0.5' }],
    });
  });

  it('has no gateway, so no floating IP, without a gateway port', () => {
    const spec = routerDataplaneSpec({ ...router, gw_port_id: null }, ports.slice(0, 1), fips);
    expect(spec?.gateway).toBeUndefined();
    expect(spec?.floatingIps).toEqual([]);
  });

  it('follows enable_snat, and leaves an administratively down router off the host', () => {
    expect(routerDataplaneSpec({ ...router, enable_snat: 0 }, ports, fips)?.gateway?.snat).toBe(false);
    expect(routerDataplaneSpec({ ...router, admin_state_up: 0 }, ports, fips)).toBeUndefined();
  });
});
