import { describe, expect, it } from 'vitest';
import { checkRouterSpec } from './router-spec-check.js';
import type { RouterSpec } from './router-spec.js';

const good: RouterSpec = {
  id: 'a1b2c3d4-0000-4000-8000-000000000000',
  gateway: {
    portId: 'pg-1',
    networkId: 'net-ext',
    mac: 'fa:16:3e:00:00:10',
    mtu: 1500,
    addresses: [{ ip: '172.24.4.10', prefixLength: 24 }],
    nextHop: '172.24.4.1',
    snat: true,
  },
  interfaces: [
    {
      portId: 'pi-1',
      networkId: 'net-a',
      mac: 'fa:16:3e:00:00:01',
      mtu: 1450,
      addresses: [{ ip: 'fd00::1', prefixLength: 64 }],
    },
  ],
  routes: [{ destination: '192.168.50.0/24', nexthop: '10.0.0.9' }],
  floatingIps: [{ floatingIp: '172.24.4.20', fixedIp: '10.0.0.5' }],
};

describe('checkRouterSpec', () => {
  it('accepts what the network service hands down', () => {
    expect(() => checkRouterSpec(good)).not.toThrow();
    expect(() => checkRouterSpec({ ...good, gateway: undefined })).not.toThrow();
  });

  it('refuses values that would become commands of their own', () => {
    const bad: RouterSpec[] = [
      { ...good, id: 'r1\nlink del dev eth0' },
      { ...good, routes: [{ destination: '0.0.0.0/0\nroute flush', nexthop: '10.0.0.9' }] },
      { ...good, floatingIps: [{ floatingIp: '172.24.4.20 } ; flush ruleset', fixedIp: '10.0.0.5' }] },
      { ...good, gateway: { ...good.gateway!, mac: 'fa:16:3e:00:00' } },
      { ...good, gateway: { ...good.gateway!, nextHop: 'gateway' } },
      {
        ...good,
        interfaces: [{ ...good.interfaces[0]!, addresses: [{ ip: '10.0.0.1', prefixLength: 33 }] }],
      },
      { ...good, interfaces: [{ ...good.interfaces[0]!, mtu: 0 }] },
    ];
    for (const spec of bad) expect(() => checkRouterSpec(spec)).toThrow(/router spec/);
  });
});
