import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../../src/agent/host/command.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from '../compute/compute-api-fixtures.js';
import { createPersonas, expectFault } from '../compute/compute-api-fixtures.js';

type Json = Record<string, unknown>;
const skip = hasCommand('qemu-img') ? false : 'qemu-img is not installed';

/** A value of each filter that no volume or snapshot of this test has. */
const matchesNothing: Readonly<Record<string, string>> = {
  name: 'no-such-name',
  status: 'no-such-status',
  volume_id: '00000000-0000-4000-8000-000000000000',
  metadata: encodeURIComponent('{"no":"such"}'),
  created_at: 'gt:2999-01-01T00:00:00',
  updated_at: 'gt:2999-01-01T00:00:00',
};

for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: block storage v3 resource filters`, () => {
    let t: TestCloud;
    let p: Personas;
    const vol = (method: 'GET' | 'POST', path: string, payload?: object, version = '3.60') =>
      t.request({
        method,
        url: `/volume/v3/${p.projectId}${path}`,
        token: p.member,
        headers: { 'openstack-api-version': `volume ${version}` },
        ...(payload !== undefined && { payload }),
      });
    async function available(kind: 'volumes' | 'snapshots', body: Json): Promise<string> {
      const res = await vol('POST', `/${kind}`, { [kind.slice(0, -1)]: body });
      expect(res.statusCode, res.body).toBe(202);
      const id = res.json()[kind.slice(0, -1)].id as string;
      for (let i = 0; i < 800; i++) {
        const shown = (await vol('GET', `/${kind}/${id}`)).json()[kind.slice(0, -1)] as Json;
        if (shown['status'] === 'available') return id;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`${kind} ${id} never available`);
    }
    const filtersOf = async (query = '') => {
      const res = await vol('GET', `/resource_filters${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().resource_filters as Array<{ resource: string; filters: string[] }>;
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
    });
    afterAll(async () => t?.close());

    it("lists each resource's filters from 3.33, one with ?resource=, none for an unknown one", async () => {
      const all = await filtersOf();
      expect(all.map((f) => f.resource).sort()).toEqual(
        ['attachment', 'backup', 'snapshot', 'volume', 'volume_type'].sort(),
      );
      expect(await filtersOf('?resource=backup')).toEqual([
        { resource: 'backup', filters: ['name', 'status', 'volume_id'] },
      ]);
      expect(await filtersOf('?resource=no-such')).toEqual([]);
      expectFault(
        await vol('GET', '/resource_filters', undefined, '3.32'),
        404,
        'The resource could not be found.',
      );
    });

    it('names only filters the volume and snapshot lists apply: a value matching nothing empties the list', async () => {
      const volumeId = await available('volumes', { size: 1, name: 'kept', metadata: { k: 'v' } });
      await available('snapshots', { volume_id: volumeId, name: 'kept', metadata: { k: 'v' } });
      for (const { resource, filters } of await filtersOf()) {
        if (resource !== 'volume' && resource !== 'snapshot') continue;
        const path = `/${resource}s/detail`;
        expect((await vol('GET', path)).json()[`${resource}s`]).toHaveLength(1);
        for (const f of filters) {
          expect(matchesNothing, `no value for the ${resource} filter ${f}`).toHaveProperty(f);
          const res = await vol('GET', `${path}?${f}=${matchesNothing[f]}`);
          expect(res.json()[`${resource}s`], `${resource} filter ${f}`).toEqual([]);
        }
      }
    });
  });
}
