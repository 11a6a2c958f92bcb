import { randomBytes, scryptSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { passwordAuth, startTestCloud } from '../../support/test-cloud.js';

/** Makes a user with a password; returns its id. */
async function makeUser(t: TestCloud, admin: string, name: string, password: string): Promise<string> {
  const res = await t.request({
    method: 'POST',
    url: '/identity/v3/users',
    token: admin,
    payload: { user: { name, password, domain_id: 'default' } },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().user.id;
}

const login = (t: TestCloud, user: string, password: string, remoteAddress = '127.0.0.1') =>
  t.request({
    method: 'POST',
    url: '/identity/v3/auth/tokens',
    payload: passwordAuth(user, password),
    remoteAddress,
  });

for (const dialect of testDialects()) {
  describe(`${dialect}: password guessing: Keystone's lockout`, () => {
    let t: TestCloud;
    let admin: string;
    beforeAll(async () => {
      t = await startTestCloud(dialect, {
        lockoutFailureAttempts: 3,
        lockoutDurationSec: 60,
        authFailuresPerMinute: 0,
      });
      admin = await t.adminToken();
    });
    afterAll(async () => t?.close());

    it('locks a user after three wrong passwords, until the duration passes', async () => {
      const id = await makeUser(t, admin, 'guessed', 'right-one');
      for (let i = 0; i < 3; i++) expect((await login(t, 'guessed', `wrong-${i}`)).statusCode).toBe(401);
      const locked = await login(t, 'guessed', 'right-one');
      expect(locked.statusCode).toBe(401);
      expect(locked.json().error).toEqual({
        code: 401,
        title: 'Unauthorized',
        message: `The account is locked for user: ${id}.`,
      });
      t.clock.advance(61_000);
      expect((await login(t, 'guessed', 'right-one')).statusCode).toBe(201);
    });

    it('a right password resets the count; enabling the user lifts a lockout', async () => {
      const userId = await makeUser(t, admin, 'careless', 'pw-careless');
      for (let i = 0; i < 2; i++) expect((await login(t, 'careless', 'nope')).statusCode).toBe(401);
      expect((await login(t, 'careless', 'pw-careless')).statusCode).toBe(201);
      for (let i = 0; i < 2; i++) expect((await login(t, 'careless', 'nope')).statusCode).toBe(401);
      expect((await login(t, 'careless', 'pw-careless')).statusCode).toBe(201);
      for (let i = 0; i < 3; i++) await login(t, 'careless', 'nope');
      expect((await login(t, 'careless', 'pw-careless')).json().error.message).toMatch(/locked/);
      const enabled = await t.request({
        method: 'PATCH',
        url: `/identity/v3/users/${userId}`,
        token: admin,
        payload: { user: { enabled: true } },
      });
      expect(enabled.statusCode).toBe(200);
      expect((await login(t, 'careless', 'pw-careless')).statusCode).toBe(201);
    });
  });

  describe(`${dialect}: password guessing: failures per source address`, () => {
    let t: TestCloud;
    let admin: string;
    beforeAll(async () => {
      t = await startTestCloud(dialect, { authFailuresPerMinute: 5 });
      admin = await t.adminToken();
    });
    afterAll(async () => t?.close());

    it('answers 429 to an address after five failures a minute, even with the right password', async () => {
      await makeUser(t, admin, 'target', 'target-pw');
      for (let i = 0; i < 5; i++)
        expect((await login(t, 'target', `guess-${i}`, '192.0.2.7')).statusCode).toBe(401);
      const slowed = await login(t, 'target', 'target-pw', '192.0.2.7');
      expect(slowed.statusCode).toBe(429);
      expect(slowed.json().error).toMatchObject({ code: 429, title: 'Too Many Requests' });
      expect(Number(slowed.headers['retry-after'])).toBeGreaterThan(0);
      expect((await login(t, 'target', 'target-pw', '192.0.2.8')).statusCode).toBe(201);
      t.clock.advance(60_000);
      expect((await login(t, 'target', 'target-pw', '192.0.2.7')).statusCode).toBe(201);
    });
  });

  describe(`${dialect}: password hashes`, () => {
    let t: TestCloud;
    let admin: string;
    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
    });
    afterAll(async () => t?.close());

    it('stores Argon2id, and upgrades an older scrypt hash at the next right password', async () => {
      const id = await makeUser(t, admin, 'old-timer', 'old-pw');
      const db = t.cloud.identity.store.db;
      const hashOf = async () =>
        (await db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow())
          .password_hash!;
      expect(await hashOf()).toMatch(/^\$argon2id\$v=19\$m=64,t=2,p=1\$/);
      const salt = randomBytes(16);
      const legacy = [
        'scrypt',
        4,
        8,
        1,
        salt.toString('base64'),
        scryptSync('old-pw', salt, 32, { N: 16 }).toString('base64'),
      ].join('$');
      await db.updateTable('users').set({ password_hash: legacy }).where('id', '=', id).execute();
      expect((await login(t, 'old-timer', 'wrong')).statusCode).toBe(401);
      expect(await hashOf()).toBe(legacy);
      expect((await login(t, 'old-timer', 'old-pw')).statusCode).toBe(201);
      expect(await hashOf()).toMatch(/^\$argon2id\$/);
      expect((await login(t, 'old-timer', 'old-pw')).statusCode).toBe(201);
    });
  });
}
