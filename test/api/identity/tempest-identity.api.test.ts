import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

// What tempest.api.identity (33.0.0) found Strata answering differently from Keystone:
// name lengths (resource/schema.py), a user in a missing domain, and project tags
// (keystone/api/projects.py ProjectTagsResource and ProjectTagResource).
for (const dialect of testDialects()) {
  describe(`${dialect}: identity as tempest checks it`, () => {
    let t: TestCloud;
    let admin: string;
    const call = (method: Method, url: string, payload?: object) =>
      t.request({
        method,
        url: `/identity/v3${url}`,
        token: admin,
        ...(payload !== undefined && { payload }),
      });
    const count = async (collection: string) =>
      (await call('GET', `/${collection}`)).json()[collection].length;
    const createProject = async (name: string) =>
      (await call('POST', '/projects', { project: { name } })).json().project.id as string;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
    });
    afterAll(async () => t?.close());

    for (const [collection, key] of [
      ['projects', 'project'],
      ['domains', 'domain'],
    ] as const) {
      it(`refuses a ${key} name over 64 characters with 400 and creates nothing`, async () => {
        const before = await count(collection);
        const res = await call('POST', `/${collection}`, { [key]: { name: 'a'.repeat(65) } });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe(400);
        expect(await count(collection)).toBe(before);
        expect((await call('POST', `/${collection}`, { [key]: { name: 'b'.repeat(64) } })).statusCode).toBe(
          201,
        );
      });
    }

    it('answers a user in a missing domain with 404 and creates nothing', async () => {
      const before = await count('users');
      const res = await call('POST', '/users', { user: { name: 'lost', domain_id: 'no-such-domain' } });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({
        error: { code: 404, title: 'Not Found', message: 'Could not find domain: no-such-domain.' },
      });
      expect(await count('users')).toBe(before);
    });

    it('keeps the microseconds of an application credential expiry', async () => {
      const me = (await call('GET', '/users?name=admin')).json().users[0].id as string;
      const base = `/users/${me}/application_credentials`;
      const expires_at = '2099-01-02T03:04:05.725984';
      const res = await call('POST', base, { application_credential: { name: 'micro', expires_at } });
      expect(res.statusCode).toBe(201);
      const id = res.json().application_credential.id as string;
      expect(res.json().application_credential.expires_at).toBe(expires_at);
      expect((await call('GET', `${base}/${id}`)).json().application_credential.expires_at).toBe(expires_at);
    });

    it('keeps an access rule after its credential is gone until the user deletes it', async () => {
      const me = (await call('GET', '/users?name=admin')).json().users[0].id as string;
      const access_rules = [{ service: 'compute', method: 'GET', path: '/v2.1/servers/*/ips' }];
      const created = await call('POST', `/users/${me}/application_credentials`, {
        application_credential: { name: 'ruled', access_rules },
      });
      const cred = created.json().application_credential;
      const rule = `/users/${me}/access_rules/${cred.access_rules[0].id}`;
      const inUse = await call('DELETE', rule);
      expect(inUse.statusCode).toBe(403);
      expect(inUse.json().error.message).toBe('May not delete access rule in use');

      expect((await call('DELETE', `/users/${me}/application_credentials/${cred.id}`)).statusCode).toBe(204);
      const kept = (await call('GET', `/users/${me}/access_rules`)).json().access_rules;
      expect(kept).toMatchObject([{ id: cred.access_rules[0].id, ...access_rules[0] }]);
      expect((await call('GET', rule)).statusCode).toBe(200);

      expect((await call('DELETE', rule)).statusCode).toBe(204);
      expect((await call('GET', `/users/${me}/access_rules`)).json().access_rules).toEqual([]);
      expect((await call('GET', rule)).statusCode).toBe(404);
    });

    describe('project tags', () => {
      it('adds, checks, replaces, lists and removes tags', async () => {
        const id = await createProject('tagged');
        const base = `/projects/${id}/tags`;
        const added = await call('PUT', `${base}/first`, {});
        expect(added.statusCode).toBe(201);
        expect(added.body).toBe('');
        expect(added.headers['location']).toMatch(new RegExp(`/identity/v3/projects/${id}/tags/first$`));
        expect((await call('GET', `${base}/first`)).statusCode).toBe(204);

        const replaced = await call('PUT', base, { tags: ['x', 'y', 'z'] });
        expect(replaced.statusCode).toBe(200);
        expect(replaced.json()).toEqual({
          tags: ['x', 'y', 'z'],
          links: { self: expect.stringMatching(/tags$/) },
        });
        expect((await call('GET', base)).json().tags).toEqual(['x', 'y', 'z']);
        expect((await call('GET', `/projects/${id}`)).json().project.tags).toEqual(['x', 'y', 'z']);

        expect((await call('DELETE', `${base}/x`)).statusCode).toBe(204);
        const gone = await call('GET', `${base}/x`);
        expect(gone.statusCode).toBe(404);
        expect(gone.json().error.message).toBe('Could not find project tag: x.');

        expect((await call('DELETE', base)).statusCode).toBe(204);
        expect((await call('GET', base)).json().tags).toEqual([]);
      });

      it('refuses a tag with a comma or more than 80 tags with 400, changing nothing', async () => {
        const id = await createProject('tag-limits');
        const base = `/projects/${id}/tags`;
        await call('PUT', base, { tags: ['keep'] });
        expect((await call('PUT', `${base}/a,b`, {})).statusCode).toBe(400);
        const many = Array.from({ length: 81 }, (_, i) => `t${i}`);
        expect((await call('PUT', base, { tags: many })).statusCode).toBe(400);
        expect((await call('GET', base)).json().tags).toEqual(['keep']);
      });

      it('answers tags of a missing project with 404', async () => {
        expect((await call('GET', '/projects/missing/tags')).statusCode).toBe(404);
        expect((await call('PUT', '/projects/missing/tags/a', {})).statusCode).toBe(404);
      });
    });
  });
}
