import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { passwordAuth, startTestCloud } from '../../support/test-cloud.js';

const keystoneError = (code: number, title: string, message: string | RegExp = /\S/) => ({
  error: { code, title, message: typeof message === 'string' ? message : expect.stringMatching(message) },
});
const unauthorized = keystoneError(401, 'Unauthorized', 'The request you have made requires authentication.');

for (const dialect of testDialects()) {
  describe(`${dialect}: identity error bodies`, () => {
    let t: TestCloud;
    let admin: string;
    const get = (url: string, token: string) =>
      t.request({ method: 'GET', url: `/identity/v3${url}`, token });
    const count = async (what: 'projects' | 'users') =>
      ((await get(`/${what}`, admin)).json()[what] as unknown[]).length;
    const me = async () =>
      (
        await t.request({
          method: 'GET',
          url: '/identity/v3/auth/tokens',
          token: admin,
          headers: { 'x-subject-token': admin },
        })
      ).json().token.user.id as string;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
    });
    afterAll(async () => t?.close());

    it('answers an expired token with 401 Unauthorized', async () => {
      const tok = await t.token('admin', t.adminPassword);
      t.clock.advance(3601_000);
      try {
        const res = await get('/projects', tok);
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual(unauthorized);
        expect(res.headers['www-authenticate']).toMatch(/^Keystone uri=/);
      } finally {
        t.clock.advance(-3601_000);
      }
    });

    it('answers a revoked token with 401 Unauthorized, and 404 when validated', async () => {
      const tok = await t.token('admin', t.adminPassword);
      const headers = { 'x-subject-token': tok };
      const del = await t.request({
        method: 'DELETE',
        url: '/identity/v3/auth/tokens',
        token: admin,
        headers,
      });
      expect(del.statusCode).toBe(204);
      const used = await get('/projects', tok);
      expect(used.statusCode).toBe(401);
      expect(used.json()).toEqual(unauthorized);
      const validated = await t.request({
        method: 'GET',
        url: '/identity/v3/auth/tokens',
        token: admin,
        headers,
      });
      expect(validated.json()).toEqual(keystoneError(404, 'Not Found', `Could not find token: ${tok}.`));
      const again = await t.request({
        method: 'DELETE',
        url: '/identity/v3/auth/tokens',
        token: admin,
        headers,
      });
      expect(again.statusCode).toBe(404);
    });

    it('answers a scope without a role with 401 Unauthorized', async () => {
      const p = await t.request({
        method: 'POST',
        url: '/identity/v3/projects',
        token: admin,
        payload: { project: { name: 'no-role-here' } },
      });
      const res = await t.request({
        method: 'POST',
        url: '/identity/v3/auth/tokens',
        payload: passwordAuth('admin', t.adminPassword, { project: { id: p.json().project.id } }),
      });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(keystoneError(401, 'Unauthorized'));
      expect(res.headers['x-subject-token']).toBeUndefined();
    });

    it('answers a wrong password with 401 and no token', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/identity/v3/auth/tokens',
        payload: passwordAuth('admin', 'not-the-password'),
      });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(unauthorized);
      expect(res.headers['x-subject-token']).toBeUndefined();
    });

    // Keystone's schemas allow extra attributes on projects, users and application credentials
    // (kept as extras) but reject them in role references and password changes.
    it('rejects an unknown field in a role reference with 400 and creates nothing', async () => {
      const id = await me();
      const url = `/identity/v3/users/${id}/application_credentials`;
      const res = await t.request({
        method: 'POST',
        url,
        token: admin,
        payload: { application_credential: { name: 'extra', roles: [{ name: 'reader', colour: 'red' }] } },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual(keystoneError(400, 'Bad Request', /colour|additional/i));
      const list = await t.request({ method: 'GET', url, token: admin });
      expect(list.json().application_credentials).toEqual([]);
    });

    it('rejects an unknown password-change field with a Keystone 400', async () => {
      const res = await t.request({
        method: 'POST',
        url: `/identity/v3/users/${await me()}/password`,
        token: admin,
        payload: { user: { original_password: t.adminPassword, password: 'changed', x: 1 } },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual(keystoneError(400, 'Bad Request'));
      expect(await t.token('admin', t.adminPassword)).toBeTypeOf('string');
    });

    for (const what of ['projects', 'users'] as const) {
      it(`answers malformed JSON on POST /v3/${what} with a Keystone 400 and writes nothing`, async () => {
        const before = await count(what);
        const res = await t.request({
          method: 'POST',
          url: `/identity/v3/${what}`,
          token: admin,
          headers: { 'content-type': 'application/json' },
          payload: `{"${what.slice(0, -1)}": {"name": "half"`,
        });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual(
          keystoneError(400, 'Bad Request', /^Expecting to find valid JSON in request body\./),
        );
        expect(await count(what)).toBe(before);
      });
    }

    it('reads an empty application/json body as no body, as Keystone does', async () => {
      const project = (await get('/projects?name=admin', admin)).json().projects[0].id;
      const reader = (await get('/roles?name=reader', admin)).json().roles[0].id;
      const user = (
        await t.request({
          method: 'POST',
          url: '/identity/v3/users',
          token: admin,
          payload: { user: { name: 'curl' } },
        })
      ).json().user.id;
      const url = `/identity/v3/projects/${project}/users/${user}/roles/${reader}`;
      const headers = { 'content-type': 'application/json' };
      for (const method of ['PUT', 'HEAD', 'DELETE'] as const)
        expect(
          (await t.request({ method, url, token: admin, headers, payload: '' })).statusCode,
          method,
        ).toBe(204);
      const create = await t.request({
        method: 'POST',
        url: '/identity/v3/projects',
        token: admin,
        headers,
        payload: '',
      });
      expect(create.statusCode).toBe(400);
      expect(create.json().error).toMatchObject({ code: 400, title: 'Bad Request' });
    });

    it('answers an unknown id with 404 Not Found and a duplicate with 409 Conflict', async () => {
      expect((await get('/users/0123456789abcdef', admin)).json()).toEqual(
        keystoneError(404, 'Not Found', 'Could not find user: 0123456789abcdef.'),
      );
      const body = { user: { name: 'twice' } };
      await t.request({ method: 'POST', url: '/identity/v3/users', token: admin, payload: body });
      const before = await count('users');
      const dup = await t.request({ method: 'POST', url: '/identity/v3/users', token: admin, payload: body });
      expect(dup.statusCode).toBe(409);
      expect(dup.json()).toEqual(
        keystoneError(409, 'Conflict', /^Conflict occurred attempting to store user/),
      );
      expect(await count('users')).toBe(before);
    });

    it('answers a method the path does not have with 405 Method Not Allowed and Allow', async () => {
      const before = await count('projects');
      const res = await t.request({
        method: 'PUT',
        url: '/identity/v3/projects',
        token: admin,
        payload: { project: { name: 'by-put' } },
      });
      expect(res.statusCode).toBe(405);
      expect(res.headers['allow']).toBe('GET, HEAD, POST');
      expect(res.json()).toEqual(keystoneError(405, 'Method Not Allowed'));
      expect(await count('projects')).toBe(before);
    });
  });
}
