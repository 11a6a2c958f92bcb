import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from '../compute/compute-api-fixtures.js';
import { createPersonas, expectFault } from '../compute/compute-api-fixtures.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: block storage v3 QoS specs`, () => {
    let t: TestCloud;
    let p: Personas;
    const vol = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, token: string, payload?: object) =>
      t.request({
        method,
        url: `/volume/v3/${p.projectId}${path}`,
        token,
        headers: { 'openstack-api-version': 'volume 3.60' },
        ...(payload !== undefined && { payload }),
      });

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
    });
    afterAll(async () => t?.close());

    it('creates, updates, associates with types and deletes QoS specs as Cinder does', async () => {
      const res = await vol('POST', '/qos-specs', p.admin, {
        qos_specs: { name: 'gold', consumer: 'front-end', total_iops_sec: '500' },
      });
      expect(res.statusCode, res.body).toBe(200);
      const created = res.json();
      expect(Object.keys(created).sort()).toEqual(['links', 'qos_specs']);
      expect(created.qos_specs).toEqual({
        id: created.qos_specs.id,
        name: 'gold',
        consumer: 'front-end',
        specs: { total_iops_sec: '500' },
      });
      const id = String(created.qos_specs.id);
      expectFault(
        await vol('POST', '/qos-specs', p.admin, { qos_specs: { name: 'gold' } }),
        409,
        'QoS Specs gold already exists.',
      );
      expectFault(
        await vol('POST', '/qos-specs', p.admin, { qos_specs: { consumer: 'both' } }),
        400,
        'Please specify a name for QoS specs.',
      );
      expectFault(
        await vol('POST', '/qos-specs', p.admin, { qos_specs: { name: 'x', consumer: 'guest' } }),
        400,
      );
      expectFault(await vol('POST', '/qos-specs', p.member, { qos_specs: { name: 'y' } }), 403);
      expectFault(await vol('GET', `/qos-specs/${crypto.randomUUID()}`, p.admin), 404);

      const upd = await vol('PUT', `/qos-specs/${id}`, p.admin, { qos_specs: { read_bytes_sec: '1048576' } });
      expect(upd.json()).toEqual({ qos_specs: { read_bytes_sec: '1048576' } });
      expect((await vol('GET', `/qos-specs/${id}`, p.admin)).json().qos_specs.specs).toEqual({
        total_iops_sec: '500',
        read_bytes_sec: '1048576',
      });
      expectFault(
        await vol('PUT', `/qos-specs/${id}/delete_keys`, p.admin, { keys: ['nope'] }),
        400,
        `QoS spec ${id} has no spec with key nope.`,
      );
      expect(
        (await vol('PUT', `/qos-specs/${id}/delete_keys`, p.admin, { keys: ['read_bytes_sec'] })).statusCode,
      ).toBe(202);

      const type = (await vol('POST', '/types', p.admin, { volume_type: { name: 'fast' } })).json()
        .volume_type;
      expectFault(
        await vol('GET', `/qos-specs/${id}/associate`, p.admin),
        400,
        'Volume Type id must not be None.',
      );
      expect(
        (await vol('GET', `/qos-specs/${id}/associate?vol_type_id=${type.id}`, p.admin)).statusCode,
      ).toBe(202);
      expect((await vol('GET', `/qos-specs/${id}/associations`, p.admin)).json()).toEqual({
        qos_associations: [{ association_type: 'volume_type', name: 'fast', id: type.id }],
      });
      expect((await vol('GET', `/types/${type.id}`, p.admin)).json().volume_type.qos_specs_id).toBe(id);
      const other = (await vol('POST', '/qos-specs', p.admin, { qos_specs: { name: 'silver' } })).json()
        .qos_specs;
      expect(other.consumer).toBe('back-end');
      expectFault(await vol('GET', `/qos-specs/${other.id}/associate?vol_type_id=${type.id}`, p.admin), 400);
      expectFault(await vol('DELETE', `/qos-specs/${id}`, p.admin), 400, 'Qos specs still in use.');
      expect(
        (await vol('GET', `/qos-specs/${id}/disassociate?vol_type_id=${type.id}`, p.admin)).statusCode,
      ).toBe(202);
      expect((await vol('GET', `/types/${type.id}`, p.admin)).json().volume_type.qos_specs_id).toBeNull();
      await vol('GET', `/qos-specs/${id}/associate?vol_type_id=${type.id}`, p.admin);
      expect((await vol('DELETE', `/qos-specs/${id}?force=true`, p.admin)).statusCode).toBe(202);
      expect((await vol('GET', `/types/${type.id}`, p.admin)).json().volume_type.qos_specs_id).toBeNull();
      expect(
        (await vol('GET', '/qos-specs', p.admin)).json().qos_specs.map((q: { name: string }) => q.name),
      ).toEqual(['silver']);
    });
  });
}
