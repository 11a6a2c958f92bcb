import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { passwordAuth, startTestCloud } from '../../support/test-cloud.js';

const unauthorized = {
  error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
};

// POST /v3/users/{id}/password and PATCH /v3/users/{id} as Keystone answers them
// (keystone/api/users.py, identity/core.py change_password, identity/schema.py user_update).
for (const dialect of testDialects()) {
  describe(`${dialect}: identity users API`, () => {
    let t: TestCloud;
    let admin: string;
    const changePassword = (id: string, original: string, password: string) =>
      t.request({
        method: 'POST',
        url: `/identity/v3/users/${id}/password`,
        payload: { user: { original_password: original, password } },
      });
    const patchUser = (id: string, user: object) =>
      t.request({ method: 'PATCH', url: `/identity/v3/users/${id}`, token: admin, payload: { user } });
    const loginStatus = async (name: string, password: string) =>
      (
        await t.request({
          method: 'POST',
          url: '/identity/v3/auth/tokens',
          payload: passwordAuth(name, password, 'unscoped' as never),
        })
      ).statusCode;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
    });
    afterAll(async () => t?.close());

    const createUser = async (name: string, enabled: boolean) =>
      (
        await t.request({
          method: 'POST',
          url: '/identity/v3/users',
          token: admin,
          payload: { user: { name, password: 'old-pw', enabled } },
        })
      ).json().user.id as string;

    it('refuses a disabled user with 401 naming the account, and keeps the password', async () => {
      const id = await createUser('pw-disabled', false);
      const res = await changePassword(id, 'old-pw', 'new-pw');
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: { code: 401, title: 'Unauthorized', message: `The account is disabled for user: ${id}.` },
      });
      expect(res.headers['www-authenticate']).toMatch(/^Keystone uri=/);
      const wrong = await changePassword(id, 'not-it', 'new-pw');
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toEqual(unauthorized);
      expect((await patchUser(id, { enabled: true })).statusCode).toBe(200);
      expect(await loginStatus('pw-disabled', 'old-pw')).toBe(201);
      expect(await loginStatus('pw-disabled', 'new-pw')).toBe(401);
    });

    it('answers an unknown user id with 401, not 404', async () => {
      const res = await changePassword('0123456789abcdef0123456789abcdef', 'x', 'y');
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(unauthorized);
      expect(res.headers['www-authenticate']).toMatch(/^Keystone uri=/);
    });

    it('refuses PATCH with an empty user with 400 and changes nothing', async () => {
      const id = await createUser('patch-empty', true);
      const before = (
        await t.request({ method: 'GET', url: `/identity/v3/users/${id}`, token: admin })
      ).json().user;
      const res = await patchUser(id, {});
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 400, title: 'Bad Request' });
      const after = (await t.request({ method: 'GET', url: `/identity/v3/users/${id}`, token: admin })).json()
        .user;
      expect(after).toEqual(before);
    });
  });
}
