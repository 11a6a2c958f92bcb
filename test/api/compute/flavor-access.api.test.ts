import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas, Refusal } from './compute-api-fixtures.js';
import { computeCaller, createPersonas, expectRefusal } from './compute-api-fixtures.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: compute flavor access and extra specs API`, () => {
    let t: TestCloud;
    let p: Personas;
    let call: ReturnType<typeof computeCaller>;
    const names = async (url: string, token: string) =>
      (await call('GET', url, token)).json().flavors.map((f: { name: string }) => f.name) as string[];
    const create = async (body: object) => {
      const res = await call('POST', '/flavors', p.admin, { flavor: body });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().flavor as Record<string, unknown> & { id: string };
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
      call = computeCaller(t);
      await create({ name: 'tiny', ram: 512, vcpus: 1, disk: 1, id: 'tiny-1' });
    });
    afterAll(async () => t?.close());

    it('shows private flavors only to admins and projects given access', async () => {
      const priv = await create({
        name: 'private',
        ram: 256,
        vcpus: 1,
        disk: 1,
        'os-flavor-access:is_public': false,
      });
      expect(priv['os-flavor-access:is_public']).toBe(false);
      expect(await names('/flavors', p.member)).not.toContain('private');
      expect((await call('GET', `/flavors/${priv.id}`, p.member)).statusCode).toBe(404);
      expect(await names('/flavors?is_public=none', p.admin)).toContain('private');
      expect(await names('/flavors?is_public=false', p.admin)).toEqual(['private']);
      expect(await names('/flavors', p.admin)).not.toContain('private');

      const grant = await call('POST', `/flavors/${priv.id}/action`, p.admin, {
        addTenantAccess: { tenant: p.projectId },
      });
      expect(grant.statusCode).toBe(200);
      expect(grant.json()).toEqual({ flavor_access: [{ flavor_id: priv.id, tenant_id: p.projectId }] });
      expect(await names('/flavors', p.member)).toContain('private');
      expect((await call('GET', `/flavors/${priv.id}`, p.member)).statusCode).toBe(200);
      expect(await names('/flavors', p.other)).not.toContain('private');
      const again = await call('POST', `/flavors/${priv.id}/action`, p.admin, {
        addTenantAccess: { tenant: p.projectId },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().conflictingRequest.message).toBe(
        `Flavor access already exists for flavor ${priv.id} and project ${p.projectId} combination.`,
      );
      const access = await call('GET', `/flavors/${priv.id}/os-flavor-access`, p.admin);
      expect(access.json().flavor_access).toEqual([{ flavor_id: priv.id, tenant_id: p.projectId }]);

      const revoke = await call('POST', `/flavors/${priv.id}/action`, p.admin, {
        removeTenantAccess: { tenant: p.projectId },
      });
      expect(revoke.json()).toEqual({ flavor_access: [] });
      expect((await call('GET', `/flavors/${priv.id}`, p.member)).statusCode).toBe(404);
      const gone = await call('POST', `/flavors/${priv.id}/action`, p.admin, {
        removeTenantAccess: { tenant: p.projectId },
      });
      expect(gone.json().itemNotFound.message).toBe(
        `Flavor access not found for ${priv.id} / ${p.projectId} combination.`,
      );
      const pub = await call('GET', '/flavors/tiny-1/os-flavor-access', p.admin);
      expect(pub.json().itemNotFound.message).toBe('Access list not available for public flavors.');
      // Sharing a public flavor: accepted before 2.7, a 409 from 2.7 on.
      const share = (v: string) =>
        t.request({
          method: 'POST',
          url: '/compute/v2.1/flavors/tiny-1/action',
          token: p.admin,
          headers: { 'openstack-api-version': `compute ${v}` },
          payload: { addTenantAccess: { tenant: p.otherProjectId } },
        });
      const refused = await share('2.7');
      expect(refused.statusCode).toBe(409);
      expect(refused.json().conflictingRequest.message).toBe('Can not add access to a public flavor.');
      expect((await share('2.6')).statusCode).toBe(200);
    });

    it('manages extra specs', async () => {
      const url = '/flavors/tiny-1/os-extra_specs';
      const set = await call('POST', url, p.admin, {
        extra_specs: { 'hw:cpu_policy': 'dedicated', 'quota:vif': 5 },
      });
      expect(set.statusCode).toBe(200);
      expect(set.json()).toEqual({ extra_specs: { 'hw:cpu_policy': 'dedicated', 'quota:vif': 5 } });
      expect((await call('GET', url, p.member)).json()).toEqual({
        extra_specs: { 'hw:cpu_policy': 'dedicated', 'quota:vif': '5' },
      });
      expect((await call('GET', `${url}/hw:cpu_policy`, p.reader)).json()).toEqual({
        'hw:cpu_policy': 'dedicated',
      });
      const put = await call('PUT', `${url}/hw:cpu_policy`, p.admin, { 'hw:cpu_policy': 'shared' });
      expect(put.json()).toEqual({ 'hw:cpu_policy': 'shared' });
      const mismatch = await call('PUT', `${url}/hw:cpu_policy`, p.admin, { other: 'x' });
      expect(mismatch.json().badRequest.message).toBe('Request body and URI mismatch');
      expect((await call('DELETE', `${url}/quota:vif`, p.admin)).statusCode).toBe(200);
      const missing = await call('GET', `${url}/quota:vif`, p.admin);
      expect(missing.statusCode).toBe(404);
      expect(missing.json().itemNotFound.message).toBe(
        'Flavor tiny-1 has no extra specs with key quota:vif.',
      );
      expect((await call('GET', url, p.admin)).json().extra_specs).toEqual({ 'hw:cpu_policy': 'shared' });
    });

    const refusals: ReadonlyArray<Refusal> = [
      [
        'a member setting specs',
        'member',
        'POST /flavors/tiny-1/os-extra_specs',
        { extra_specs: { a: 'b' } },
        403,
        /os-flavor-extra-specs:create/,
      ],
      [
        'a member deleting a spec',
        'member',
        'DELETE /flavors/tiny-1/os-extra_specs/a',
        undefined,
        403,
        /os-flavor-extra-specs:delete/,
      ],
      [
        'a member granting access',
        'member',
        'POST /flavors/tiny-1/action',
        { addTenantAccess: { tenant: 'x' } },
        403,
        /add_tenant_access/,
      ],
      [
        'a member reading an access list',
        'member',
        'GET /flavors/tiny-1/os-flavor-access',
        undefined,
        403,
        /os-flavor-access/,
      ],
      [
        'a bad spec key',
        'admin',
        'POST /flavors/tiny-1/os-extra_specs',
        { extra_specs: { 'a/b': 'c' } },
        400,
        /'a\/b' was unexpected/,
      ],
      [
        'a spec value that is not text',
        'admin',
        'POST /flavors/tiny-1/os-extra_specs',
        { extra_specs: { a: true } },
        400,
        /extra_specs\/a/,
      ],
      [
        'two specs in one PUT',
        'admin',
        'PUT /flavors/tiny-1/os-extra_specs/a',
        { a: '1', b: '2' },
        400,
        /maxProperties|must NOT have more|more than/,
      ],
      [
        'two actions at once',
        'admin',
        'POST /flavors/tiny-1/action',
        { addTenantAccess: { tenant: 'a' }, removeTenantAccess: { tenant: 'a' } },
        400,
        undefined,
      ],
      [
        'specs of an unknown flavor',
        'admin',
        'POST /flavors/nope/os-extra_specs',
        { extra_specs: { a: 'b' } },
        404,
        'Flavor nope could not be found.',
      ],
      [
        'access to an unknown flavor',
        'admin',
        'POST /flavors/nope/action',
        { addTenantAccess: { tenant: 'a' } },
        404,
        'Flavor nope could not be found.',
      ],
    ];

    it.each(refusals)('refuses %s and writes nothing', async (...row) => {
      const before = await call('GET', '/flavors/detail?is_public=none', p.admin);
      await expectRefusal(call, p, row);
      expect((await call('GET', '/flavors/detail?is_public=none', p.admin)).body).toBe(before.body);
    });
  });
}
