import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCloud } from '../../test/support/test-cloud.js';
import { startTestCloud } from '../../test/support/test-cloud.js';
import { createTokenValidator } from './token-validator.js';

describe('token-validator', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await startTestCloud('sqlite');
  });
  afterAll(async () => t?.close());

  it('trusts a validated token for the cache period, then checks again', async () => {
    const v = createTokenValidator(t.cloud.identity, 5000);
    const token = await t.adminToken();
    expect((await v.validate(token)).userName).toBe('admin');
    // Revoke behind the validator's back (as another API process would).
    const res = await t.request({
      method: 'DELETE',
      url: '/identity/v3/auth/tokens',
      token,
      headers: { 'x-subject-token': token },
    });
    expect(res.statusCode).toBe(204);
    expect((await v.validate(token)).userName).toBe('admin');
    t.clock.advance(5001);
    await expect(v.validate(token)).rejects.toThrow('requires authentication');
  });

  it('forgets everything on invalidate and never caches failures', async () => {
    const v = createTokenValidator(t.cloud.identity, 60_000);
    const token = await t.adminToken();
    await v.validate(token);
    await t.request({
      method: 'DELETE',
      url: '/identity/v3/auth/tokens',
      token,
      headers: { 'x-subject-token': token },
    });
    v.invalidate();
    await expect(v.validate(token)).rejects.toThrow('requires authentication');
    await expect(v.validate('garbage')).rejects.toThrow();
  });
});
