import { describe, expect, it } from 'vitest';
import { createPasswordHasher } from './password-hash.js';

describe('password-hash', () => {
  const cheap = createPasswordHasher({ log2N: 4, r: 8, p: 1 });

  it('verifies the password it hashed and refuses another', async () => {
    const stored = await cheap.hash('s3cret');
    expect(await cheap.verify('s3cret', stored)).toBe(true);
    expect(await cheap.verify('s3cret ', stored)).toBe(false);
    expect(await cheap.verify('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = [await cheap.hash('same'), await cheap.hash('same')];
    expect(a).not.toBe(b);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
  });

  it('stores the cost with the hash, so old hashes verify after the cost changes', async () => {
    const old = await cheap.hash('pw');
    expect(old).toMatch(/^scrypt\$4\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    const dearer = createPasswordHasher({ log2N: 6, r: 4, p: 2 });
    expect(await dearer.verify('pw', old)).toBe(true);
    expect((await dearer.hash('pw')).startsWith('scrypt$6$4$2$')).toBe(true);
    expect(await cheap.verify('pw', await dearer.hash('pw'))).toBe(true);
  });

  it('refuses stored values that are not scrypt hashes', async () => {
    const stored = await cheap.hash('pw');
    expect(await cheap.verify('pw', stored.replace(/^scrypt/, 'bcrypt'))).toBe(false);
    expect(await cheap.verify('pw', 'scrypt$4$8$1$')).toBe(false);
    expect(await cheap.verify('pw', stored.slice(0, -4))).toBe(false);
  });
});
