import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPasswordHasher, defaultArgon2Cost } from './password-hash.js';

/** A hash in the format Strata stored before Argon2id. */
function legacyScrypt(secret: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(secret, salt, 32, { N: 16, r: 8, p: 1 });
  return ['scrypt', 4, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

describe('password-hash', () => {
  const cheap = createPasswordHasher({ memoryKiB: 64, passes: 1 });

  it('verifies the password it hashed and refuses another', async () => {
    const stored = await cheap.hash('s3cret');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
    expect(await cheap.verify('s3cret', stored)).toBe(true);
    expect(await cheap.verify('s3cret ', stored)).toBe(false);
    expect(await cheap.verify('', stored)).toBe(false);
  });

  it('uses OWASP’s Argon2id minimum by default', async () => {
    const stored = await createPasswordHasher().hash('pw');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(defaultArgon2Cost).toEqual({ memoryKiB: 19_456, passes: 2 });
  });

  it('salts every hash', async () => {
    const [a, b] = [await cheap.hash('same'), await cheap.hash('same')];
    expect(a).not.toBe(b);
  });

  it('verifies older scrypt hashes and asks for them to be rehashed, as for another cost', async () => {
    const old = legacyScrypt('pw');
    expect(await cheap.verify('pw', old)).toBe(true);
    expect(await cheap.verify('pw2', old)).toBe(false);
    expect(cheap.needsRehash(old)).toBe(true);
    expect(cheap.needsRehash(await cheap.hash('pw'))).toBe(false);
    const dearer = createPasswordHasher({ memoryKiB: 128, passes: 2 });
    const fromCheap = await cheap.hash('pw');
    expect(dearer.needsRehash(fromCheap)).toBe(true);
    expect(await dearer.verify('pw', fromCheap)).toBe(true);
  });

  it('refuses stored values that are not hashes, and a missing one', async () => {
    const stored = await cheap.hash('pw');
    expect(await cheap.verify('pw', stored.replace(/^\$argon2id/, '$bcrypt'))).toBe(false);
    expect(await cheap.verify('pw', 'scrypt$4$8$1$')).toBe(false);
    expect(await cheap.verify('pw', stored.slice(0, -4))).toBe(false);
    expect(await cheap.verify('pw', undefined)).toBe(false);
  });

  it('runs concurrent hashes through its gate without losing any', async () => {
    const one = createPasswordHasher({ memoryKiB: 64, passes: 1 }, 1);
    const hashes = await Promise.all(Array.from({ length: 6 }, (_, i) => one.hash(`pw${i}`)));
    const checks = await Promise.all(hashes.map((h, i) => one.verify(`pw${i}`, h)));
    expect(checks).toEqual([true, true, true, true, true, true]);
  });
});
