import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { PlacementCaller } from './placement-calls.js';
import { makeProvider, placementCaller } from './placement-calls.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: placement resource classes and traits API`, () => {
    let t: TestCloud;
    let admin = '';
    let call: PlacementCaller;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      call = placementCaller(t, () => admin);
    });
    afterAll(async () => t?.close());

    it('lists, creates, shows and deletes resource classes', async () => {
      const list = (await call('GET', '/resource_classes'))
        .json()
        .resource_classes.map((r: { name: string }) => r.name);
      expect(list).toEqual(expect.arrayContaining(['VCPU', 'MEMORY_MB', 'DISK_GB', 'PCI_DEVICE', 'PCPU']));
      const created = await call('POST', '/resource_classes', { name: 'CUSTOM_BAREMETAL_GOLD' });
      expect(created.statusCode).toBe(201);
      expect((await call('POST', '/resource_classes', { name: 'CUSTOM_BAREMETAL_GOLD' })).statusCode).toBe(
        409,
      );
      expect((await call('POST', '/resource_classes', { name: 'LOWER_case' })).statusCode).toBe(400);
      expect((await call('PUT', '/resource_classes/CUSTOM_BAREMETAL_GOLD')).statusCode).toBe(204);
      expect((await call('PUT', '/resource_classes/CUSTOM_NEW')).statusCode).toBe(201);
      expect((await call('PUT', '/resource_classes/VCPU')).statusCode).toBe(400);
      const renamed = await call('PUT', '/resource_classes/CUSTOM_NEW', { name: 'CUSTOM_RENAMED' }, '1.6');
      expect(renamed.json()).toMatchObject({ name: 'CUSTOM_RENAMED' });
      expect((await call('GET', '/resource_classes/CUSTOM_RENAMED')).json().links[0].href).toBe(
        '/placement/resource_classes/CUSTOM_RENAMED',
      );
      const rp = await makeProvider(call, 'gold-node', { CUSTOM_BAREMETAL_GOLD: { total: 1 } });
      expect((await call('DELETE', '/resource_classes/CUSTOM_BAREMETAL_GOLD')).statusCode).toBe(409);
      expect((await call('DELETE', '/resource_classes/VCPU')).statusCode).toBe(400);
      await call('DELETE', `/resource_providers/${rp}`);
      expect((await call('DELETE', '/resource_classes/CUSTOM_BAREMETAL_GOLD')).statusCode).toBe(204);
      expect((await call('GET', '/resource_classes/CUSTOM_BAREMETAL_GOLD')).statusCode).toBe(404);
      expect((await call('GET', '/resource_classes', undefined, '1.1')).statusCode).toBe(404);
    });

    it('lists, shows, creates and deletes traits', async () => {
      expect((await call('PUT', '/traits/CUSTOM_LIST_ME')).statusCode).toBe(201);
      expect((await call('PUT', '/traits/CUSTOM_LIST_ME')).statusCode).toBe(204);
      expect((await call('PUT', '/traits/NOT_CUSTOM')).statusCode).toBe(400);
      expect((await call('GET', '/traits/CUSTOM_LIST_ME')).statusCode).toBe(204);
      expect((await call('GET', '/traits/COMPUTE_STATUS_DISABLED')).statusCode).toBe(204);
      expect((await call('GET', '/traits/CUSTOM_MISSING')).statusCode).toBe(404);
      const custom = (await call('GET', '/traits?name=startswith:CUSTOM_LIST')).json();
      expect(custom).toEqual({ traits: ['CUSTOM_LIST_ME'] });
      const some = (await call('GET', '/traits?name=in:HW_CPU_X86_AVX,CUSTOM_LIST_ME')).json().traits;
      expect(some).toEqual(['CUSTOM_LIST_ME', 'HW_CPU_X86_AVX']);
      const all = (await call('GET', '/traits')).json().traits as string[];
      expect(all.length).toBeGreaterThan(300);
      expect(
        (await call('GET', '/traits?associated=false&name=startswith:CUSTOM_LIST')).json().traits,
      ).toEqual(['CUSTOM_LIST_ME']);
      expect((await call('GET', '/traits?name=CUSTOM_LIST_ME')).statusCode).toBe(400);
      expect((await call('DELETE', '/traits/HW_CPU_X86_AVX')).statusCode).toBe(400);
      expect((await call('DELETE', '/traits/CUSTOM_LIST_ME')).statusCode).toBe(204);
      expect((await call('DELETE', '/traits/CUSTOM_LIST_ME')).statusCode).toBe(404);
    });
  });
}
