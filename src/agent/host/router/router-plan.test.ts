import { describe, expect, it } from 'vitest';
import { parseAddresses, parseRoutes } from './router-observe.js';
import type { ObservedRouter } from './router-observe.js';
import { planRouterLines, removedFloatingIps, staleInterfaces } from './router-plan.js';
import { gatewayAddresses, hostEndNameOf, routerIfNameOf, routerNetnsOf } from './router-spec.js';
import type { RouterSpec } from './router-spec.js';

const gwPort = '11111111-2222-4000-8000-000000000000';
const inPort = '33333333-4444-4000-8000-000000000000';
const qg = routerIfNameOf('gateway', gwPort);
const qr = routerIfNameOf('internal', inPort);

const spec: RouterSpec = {
  id: 'r1',
  gateway: {
    portId: gwPort,
    networkId: 'net-ext',
    mac: 'fa:16:3e:00:00:10',
    mtu: 1500,
    addresses: [{ ip: '172.24.4.10', prefixLength: 24 }],
    nextHop: '172.24.4.1',
    snat: true,
  },
  interfaces: [
    {
      portId: inPort,
      networkId: 'net-a',
      mac: 'fa:16:3e:00:00:01',
      mtu: 1450,
      addresses: [{ ip: '10.0.0.1', prefixLength: 26 }],
    },
  ],
  routes: [{ destination: '192.168.50.0/24', nexthop: '10.0.0.9' }],
  floatingIps: [{ floatingIp: '172.24.4.20', fixedIp: '10.0.0.5' }],
};

const empty: ObservedRouter = { links: [{ name: 'lo', addresses: [] }], routes: [] };

describe('router names', () => {
  it("follows Neutron's L3 agent and fits IFNAMSIZ", () => {
    expect(routerNetnsOf('abc')).toBe('qrouter-abc');
    expect(routerNetnsOf('abc', 'h1-')).toBe('h1-qrouter-abc');
    expect(qg).toBe('qg-11111111-22');
    expect(qr).toBe('qr-33333333-44');
    expect(hostEndNameOf(inPort)).toBe('rtr33333333-44');
  });

  it('puts each floating IP on the gateway as /32', () => {
    expect(gatewayAddresses(spec)).toEqual([
      { ip: '172.24.4.10', prefixLength: 24 },
      { ip: '172.24.4.20', prefixLength: 32 },
    ]);
  });
});

describe('planRouterLines', () => {
  it('sets a fresh namespace up: links, addresses, then routes', () => {
    expect(planRouterLines(spec, empty)).toEqual([
      'link set dev lo up',
      `link set dev ${qg} address fa:16:3e:00:00:10 mtu 1500 up`,
      `link set dev ${qr} address fa:16:3e:00:00:01 mtu 1450 up`,
      `address add 172.24.4.10/24 dev ${qg}`,
      `address add 172.24.4.20/32 dev ${qg}`,
      `address add 10.0.0.1/26 dev ${qr}`,
      `route replace default via 172.24.4.1 dev ${qg}`,
      'route replace 192.168.50.0/24 via 10.0.0.9 proto static',
    ]);
  });

  it('removes stray addresses and static routes the spec dropped, keeping connected ones', () => {
    const observed: ObservedRouter = {
      links: [
        { name: qg, addresses: ['172.24.4.10/24', '172.24.4.30/32'] },
        { name: qr, addresses: ['10.0.0.1/26'] },
      ],
      routes: [
        { destination: 'default', via: '172.24.4.1', protocol: undefined },
        { destination: '10.0.0.0/26', via: undefined, protocol: 'kernel' },
        { destination: '192.168.60.0/24', via: '10.0.0.9', protocol: 'static' },
        { destination: '192.168.50.0/24', via: '10.0.0.9', protocol: 'static' },
      ],
    };
    const lines = planRouterLines(spec, observed);
    expect(lines).toContain(`address del 172.24.4.30/32 dev ${qg}`);
    expect(lines).toContain(`address add 172.24.4.20/32 dev ${qg}`);
    expect(lines).not.toContain(`address add 10.0.0.1/26 dev ${qr}`);
    expect(lines).toContain('route del 192.168.60.0/24 via 10.0.0.9 proto static');
    expect(lines.filter((l) => l.includes('10.0.0.0/26'))).toEqual([]);
    expect(removedFloatingIps(spec, observed)).toEqual(['172.24.4.30']);
  });

  it('drops the default route when the gateway goes', () => {
    const observed: ObservedRouter = {
      links: [],
      routes: [{ destination: 'default', via: '172.24.4.1', protocol: undefined }],
    };
    expect(planRouterLines({ ...spec, gateway: undefined, routes: [] }, observed)).toContain(
      'route del default',
    );
  });
});

describe('staleInterfaces', () => {
  it('names only router interfaces the spec no longer has', () => {
    const links = [{ name: 'lo' }, { name: qg }, { name: qr }, { name: 'qr-gone' }, { name: 'qg-old' }];
    expect(staleInterfaces(spec, links)).toEqual(['qr-gone', 'qg-old']);
    expect(staleInterfaces({ ...spec, gateway: undefined }, links)).toEqual([qg, 'qr-gone', 'qg-old']);
  });
});

describe('ip -j parsing', () => {
  it('keeps global addresses and reads routes', () => {
    const addrs = JSON.stringify([
      {
        ifname: 'qg-x',
        addr_info: [
          { family: 'inet', local: '172.24.4.10', prefixlen: 24, scope: 'global' },
          { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link' },
        ],
      },
    ]);
    expect(parseAddresses(addrs)).toEqual([{ name: 'qg-x', addresses: ['172.24.4.10/24'] }]);
    const routes = JSON.stringify([{ dst: 'default', gateway: '172.24.4.1', dev: 'qg-x', flags: [] }]);
    expect(parseRoutes(routes)).toEqual([{ destination: 'default', via: '172.24.4.1', protocol: undefined }]);
    expect(parseRoutes('')).toEqual([]);
  });
});
