import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../../src/agent/host/command.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from '../compute/compute-api-fixtures.js';
import { createPersonas, expectFault } from '../compute/compute-api-fixtures.js';

type Json = Record<string, unknown>;
const skip = hasCommand('qemu-img') ? false : 'qemu-img is not installed';

for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: block storage v3 volume types`, () => {
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
    const createType = async (body: Json): Promise<Json> => {
      const res = await vol('POST', '/types', p.admin, { volume_type: body });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().volume_type as Json;
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
    });
    afterAll(async () => t?.close());

    it('has the __DEFAULT__ type, shown with exactly the fields each caller may see', async () => {
      const asMember = await vol('GET', '/types', p.member);
      expect(asMember.statusCode).toBe(200);
      const [def] = asMember.json().volume_types as Json[];
      expect(def).toEqual({
        id: expect.any(String),
        name: '__DEFAULT__',
        is_public: true,
        description: 'Default Volume Type',
        extra_specs: {},
        'os-volume-type-access:is_public': true,
      });
      const asAdmin = (await vol('GET', '/types/default', p.admin)).json().volume_type as Json;
      expect(Object.keys(asAdmin).sort()).toEqual(
        [
          'description',
          'extra_specs',
          'id',
          'is_public',
          'name',
          'os-volume-type-access:is_public',
          'qos_specs_id',
        ].sort(),
      );
      expect(asAdmin['id']).toBe(def!['id']);
    });

    it('creates, updates and deletes types; members see only user-visible extra specs', async () => {
      const gold = await createType({
        name: 'gold',
        description: 'fast',
        extra_specs: { multiattach: '<is> True', volume_backend_name: 'file' },
      });
      expect(gold).toMatchObject({ name: 'gold', is_public: true, 'os-volume-type-access:is_public': true });
      // The api-ref's (and tempest's) create body has no qos_specs_id, even for admins.
      expect(Object.keys(gold).sort()).toEqual(
        ['description', 'extra_specs', 'id', 'is_public', 'name', 'os-volume-type-access:is_public'].sort(),
      );
      const seen = (await vol('GET', `/types/${String(gold['id'])}`, p.member)).json().volume_type as Json;
      expect(seen['extra_specs']).toEqual({ multiattach: '<is> True' });
      expect(seen).not.toHaveProperty('qos_specs_id');
      expectFault(
        await vol('POST', '/types', p.admin, { volume_type: { name: 'gold' } }),
        409,
        'Volume Type gold already exists.',
      );
      expectFault(await vol('POST', '/types', p.member, { volume_type: { name: 'x' } }), 403);

      const upd = await vol('PUT', `/types/${String(gold['id'])}`, p.admin, {
        volume_type: { name: 'platinum', is_public: 'false' },
      });
      expect(upd.json().volume_type).toMatchObject({
        name: 'platinum',
        is_public: false,
        description: 'fast',
      });
      // Cinder's type-access extension does not extend update, and update has no qos_specs_id.
      expect(Object.keys(upd.json().volume_type as Json).sort()).toEqual(
        ['description', 'extra_specs', 'id', 'is_public', 'name'].sort(),
      );
      expectFault(
        await vol('PUT', `/types/${String(gold['id'])}`, p.admin, { volume_type: {} }),
        400,
        'Specify volume type name, description, is_public or a combination thereof.',
      );
      expect((await vol('DELETE', `/types/${String(gold['id'])}`, p.admin)).statusCode).toBe(202);
      expectFault(
        await vol('GET', `/types/${String(gold['id'])}`, p.admin),
        404,
        `Volume type ${String(gold['id'])} could not be found.`,
      );
      const def = (await vol('GET', '/types/default', p.admin)).json().volume_type as Json;
      expectFault(
        await vol('DELETE', `/types/${String(def['id'])}`, p.admin),
        400,
        `The volume type ${String(def['id'])} is a default volume type and cannot be deleted.`,
      );
    });

    it('manages extra specs one by one and refuses changes while volumes have the type', async () => {
      const silver = await createType({ name: 'silver' });
      const id = String(silver['id']);
      const set = await vol('POST', `/types/${id}/extra_specs`, p.admin, { extra_specs: { a: '1', b: '2' } });
      expect(set.json()).toEqual({ extra_specs: { a: '1', b: '2' } });
      expect((await vol('GET', `/types/${id}/extra_specs/a`, p.admin)).json()).toEqual({ a: '1' });
      expect((await vol('PUT', `/types/${id}/extra_specs/a`, p.admin, { a: '3' })).json()).toEqual({
        a: '3',
      });
      expectFault(
        await vol('PUT', `/types/${id}/extra_specs/a`, p.admin, { b: '3' }),
        400,
        'Request body and URI mismatch',
      );
      expect((await vol('DELETE', `/types/${id}/extra_specs/b`, p.admin)).statusCode).toBe(202);
      expectFault(
        await vol('DELETE', `/types/${id}/extra_specs/b`, p.admin),
        404,
        `Volume Type ${id} has no extra specs with key b.`,
      );
      expect((await vol('GET', `/types/${id}/extra_specs`, p.admin)).json()).toEqual({
        extra_specs: { a: '3' },
      });
      expect((await vol('GET', `/types/${id}/extra_specs`, p.member)).json()).toEqual({ extra_specs: {} });

      const made = await vol('POST', '/volumes', p.member, { volume: { size: 1, volume_type: 'silver' } });
      expect(made.statusCode, made.body).toBe(202);
      expect(made.json().volume.volume_type).toBe('silver');
      expectFault(
        await vol('POST', `/types/${id}/extra_specs`, p.admin, { extra_specs: { c: '1' } }),
        400,
        'Volume Type is currently in use.',
      );
      expectFault(await vol('DELETE', `/types/${id}`, p.admin), 400, 'Target volume type is still in use.');
      expectFault(
        await vol('POST', '/volumes', p.member, { volume: { size: 1, volume_type: 'bronze' } }),
        404,
        'Volume type with name bronze could not be found.',
      );
    });

    it('shares private types with projects through os-volume-type-access', async () => {
      const secret = await createType({ name: 'secret', 'os-volume-type-access:is_public': false });
      const id = String(secret['id']);
      const names = async (token: string, query = '') =>
        ((await vol('GET', `/types${query}`, token)).json().volume_types as Json[]).map((x) => x['name']);
      expect(await names(p.member)).not.toContain('secret');
      expect(await names(p.admin)).not.toContain('secret');
      expect(await names(p.admin, '?is_public=false')).toEqual(['secret']);
      expect(await names(p.admin, '?is_public=None')).toContain('secret');
      expectFault(await vol('GET', `/types/${id}`, p.member), 404);
      expectFault(
        await vol('POST', '/volumes', p.member, { volume: { size: 1, volume_type: 'secret' } }),
        404,
        'Volume type with name secret could not be found.',
      );

      const add = { addProjectAccess: { project: p.projectId } };
      expectFault(await vol('POST', `/types/${id}/action`, p.member, add), 403);
      expect((await vol('POST', `/types/${id}/action`, p.admin, add)).statusCode).toBe(202);
      expectFault(
        await vol('POST', `/types/${id}/action`, p.admin, add),
        409,
        `Volume type access for ${id} / ${p.projectId} combination already exists.`,
      );
      expect((await vol('GET', `/types/${id}/os-volume-type-access`, p.admin)).json()).toEqual({
        volume_type_access: [{ volume_type_id: id, project_id: p.projectId }],
      });
      expect(await names(p.member)).toContain('secret');
      expect((await vol('GET', `/types/${id}`, p.member)).statusCode).toBe(200);
      const def = (await vol('GET', '/types/default', p.admin)).json().volume_type as Json;
      expectFault(
        await vol('GET', `/types/${String(def['id'])}/os-volume-type-access`, p.admin),
        404,
        'Access list not available for public volume types.',
      );

      const remove = { removeProjectAccess: { project: p.projectId } };
      expect((await vol('POST', `/types/${id}/action`, p.admin, remove)).statusCode).toBe(202);
      expect(await names(p.member)).not.toContain('secret');
      expectFault(
        await vol('POST', `/types/${id}/action`, p.admin, remove),
        404,
        `Volume type access not found for ${id} / ${p.projectId} combination.`,
      );
    });
  });
}
