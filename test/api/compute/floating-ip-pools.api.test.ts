import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import { networkClient } from '../network/network-fixtures.js';
import type { Personas } from './compute-api-fixtures.js';
import { createPersonas, expectFault, versionedComputeCaller } from './compute-api-fixtures.js';

// openstacksdk's list_floating_ip_pools calls this when /extensions lists os-floating-ip-pools.
for (const dialect of testDialects()) {
  describe(`${dialect}: os-floating-ip-pools (Nova's proxy of external networks)`, () => {
    let t: TestCloud;
    let p: Personas;
    const nova = (version: string, token: string) =>
      versionedComputeCaller(t)(version, 'GET', '/os-floating-ip-pools', token);

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
    });
    afterAll(async () => t?.close());

    it('lists the external networks the caller sees, unnamed ones by id, until 2.35', async () => {
      const neutron = networkClient(t);
      await neutron.create(p.admin, 'network', { name: 'public', 'router:external': true });
      const unnamed = await neutron.create(p.admin, 'network', { name: '', 'router:external': true });
      await neutron.create(p.admin, 'network', { name: 'admin-internal' });
      await neutron.create(p.member, 'network', { name: 'member-private' });
      const res = await nova('2.35', p.member);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ floating_ip_pools: [{ name: 'public' }, { name: unnamed['id'] }] });
      expect((await nova('2.1', p.other)).json().floating_ip_pools).toHaveLength(2);
      expectFault(await nova('2.36', p.member), 404, 'The resource could not be found.');
    });
  });
}
