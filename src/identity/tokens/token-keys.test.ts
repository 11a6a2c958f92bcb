import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StrataDb } from '../../db/database.js';
import { openDatabase } from '../../db/database.js';
import { openToken, sealToken, tokenKeyId } from './token-format.js';
import type { TokenPayload } from './token-format.js';
import { TokenKeyRing } from './token-keys.js';

const payload: TokenPayload = {
  userId: 'u',
  methods: ['password'],
  scope: { kind: 'system' },
  issuedAt: 0,
  expiresAt: 1,
  auditIds: ['a'],
};

describe('token-keys', () => {
  let store: StrataDb;
  let now = Date.parse('2026-11-22T00:00:00Z');
  const clock = () => new Date(now);
  const day = 86_400_000;
  beforeEach(async () => {
    store = await openDatabase(':memory:');
  });
  afterEach(async () => store.close());

  const open = async (ring: TokenKeyRing, token: string) => {
    const key = await ring.find(tokenKeyId(token)!);
    return key && openToken(token, key);
  };

  it('creates a primary and a staged key once, shared by every ring on the database', async () => {
    const a = new TokenKeyRing(store, clock, { rotateAfterMs: day, maxActiveKeys: 3 });
    const b = new TokenKeyRing(store, clock, { rotateAfterMs: day, maxActiveKeys: 3 });
    await a.ensure();
    await b.ensure();
    expect(a.primary().id).toBe(b.primary().id);
    const rows = await store.db.selectFrom('token_keys').select(['id', 'state']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 1, state: 'primary' },
      { id: 2, state: 'staged' },
    ]);
  });

  it('rotates when the primary is due; old tokens validate until their key is pruned', async () => {
    const ring = new TokenKeyRing(store, clock, { rotateAfterMs: day, maxActiveKeys: 3 });
    await ring.ensure();
    const old = sealToken(payload, ring.primary());
    now += day;
    await ring.ensure();
    expect(ring.primary().id).toBe(2);
    expect(await open(ring, old)).toEqual(payload);
    const other = new TokenKeyRing(store, clock, { rotateAfterMs: day, maxActiveKeys: 3 });
    expect(await open(other, sealToken(payload, ring.primary()))).toEqual(payload);
    now += day;
    await ring.ensure();
    expect(await open(ring, old)).toBeUndefined();
  });

  it('does not rotate before the period ends', async () => {
    const ring = new TokenKeyRing(store, clock, { rotateAfterMs: day, maxActiveKeys: 3 });
    await ring.ensure();
    now += day - 1000;
    await ring.ensure();
    expect(ring.primary().id).toBe(1);
  });
});
