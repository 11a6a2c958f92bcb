import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openToken, sealToken, tokenKeyId } from './token-format.js';
import type { TokenPayload } from './token-format.js';

const key = { id: 7, key: randomBytes(32) };
const payload: TokenPayload = {
  userId: 'u1',
  methods: ['password'],
  scope: { kind: 'project', id: 'p1' },
  issuedAt: 1_700_000_000_000,
  expiresAt: 1_700_003_600_000,
  auditIds: ['a1'],
};

describe('token-format', () => {
  it('round-trips a payload and names its key', () => {
    const t = sealToken(payload, key);
    expect(tokenKeyId(t)).toBe(7);
    expect(openToken(t, key)).toEqual(payload);
  });
  it('does not reveal the payload in the token', () => {
    expect(Buffer.from(sealToken(payload, key), 'base64url').toString('latin1')).not.toContain('u1');
  });
  it('rejects a tampered token and a wrong key', () => {
    const raw = Buffer.from(sealToken(payload, key), 'base64url');
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
    expect(openToken(raw.toString('base64url'), key)).toBeUndefined();
    expect(openToken(sealToken(payload, key), { id: 7, key: randomBytes(32) })).toBeUndefined();
    expect(openToken('garbage', key)).toBeUndefined();
  });
  it('keeps every scope kind', () => {
    for (const scope of [{ kind: 'unscoped' }, { kind: 'system' }, { kind: 'domain', id: 'd' }] as const) {
      expect(openToken(sealToken({ ...payload, scope }, key), key)?.scope).toEqual(scope);
    }
  });
});
