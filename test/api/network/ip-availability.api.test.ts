import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from '../compute/compute-api-fixtures.js';
import { createPersonas } from '../compute/compute-api-fixtures.js';
import { networkClient } from './network-fixtures.js';

type Json = Record<string, unknown>;

// openstacksdk's functional TestNetworkIPAvailability; Neutron's network-ip-availability.
for (const dialect of testDialects()) {
  describe(`${dialect}: network IP availability`, () => {
    let t: TestCloud;
    let p: Personas;
    const api = () => networkClient(t);

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
    });
    afterAll(async () => t?.close());

    it("counts each subnet's pool addresses and allocated ones, for admins only", async () => {
      const net = await api().create(p.member, 'network', { name: 'counted' });
      const v4 = await api().create(p.member, 'subnet', {
        network_id: net['id'],
        name: 'v4',
        cidr: '10.100.0.0/24',
        ip_version: 4,
        enable_dhcp: false,
        allocation_pools: [{ start: '10.100.0.10', end: '10.100.0.19' }],
      });
      await api().create(p.member, 'port', { network_id: net['id'] });
      await api().create(p.member, 'port', { network_id: net['id'] });
      const show = await api().call('GET', `/network-ip-availabilities/${net['id']}`, p.admin);
      expect(show.statusCode, show.body).toBe(200);
      expect(show.json().network_ip_availability).toEqual({
        network_id: net['id'],
        network_name: 'counted',
        tenant_id: p.projectId,
        project_id: p.projectId,
        total_ips: 10,
        used_ips: 2,
        subnet_ip_availability: [
          {
            subnet_id: v4['id'],
            subnet_name: 'v4',
            cidr: '10.100.0.0/24',
            ip_version: 4,
            total_ips: 10,
            used_ips: 2,
          },
        ],
      });
      const list = await api().call(
        'GET',
        `/network-ip-availabilities?network_name=counted&ip_version=4`,
        p.admin,
      );
      expect((list.json().network_ip_availabilities as Json[]).map((a) => a['network_id'])).toEqual([
        net['id'],
      ]);
      const v6 = await api().call(
        'GET',
        `/network-ip-availabilities?network_name=counted&ip_version=6`,
        p.admin,
      );
      expect(v6.json().network_ip_availabilities).toEqual([]);
      // A /64's pool holds 2^64 - 2 addresses: written exactly, as Neutron does, not rounded.
      const v6net = await api().create(p.member, 'network', { name: 'counted-v6' });
      await api().create(p.member, 'subnet', {
        network_id: v6net['id'],
        cidr: 'fd00:100::/64',
        ip_version: 6,
        enable_dhcp: false,
      });
      const exact = await api().call('GET', `/network-ip-availabilities/${v6net['id']}`, p.admin);
      expect(exact.statusCode, exact.body).toBe(200);
      expect(exact.headers['content-type']).toMatch(/^application\/json/);
      expect(exact.body.match(/"total_ips":\d+/g)).toEqual([
        '"total_ips":18446744073709551614',
        '"total_ips":18446744073709551614',
      ]);
      const listed = await api().call(
        'GET',
        '/network-ip-availabilities?network_name=counted-v6&sort_key=total_ips',
        p.admin,
      );
      expect(listed.body).toContain('"total_ips":18446744073709551614');
      expect((await api().call('GET', '/network-ip-availabilities', p.member)).statusCode).toBe(403);
      const missing = await api().call(
        'GET',
        '/network-ip-availabilities/00000000-0000-4000-8000-000000000000',
        p.admin,
      );
      expect(missing.statusCode).toBe(404);
      expect(missing.json().NeutronError.type).toBe('NetworkNotFound');
    });
  });
}
