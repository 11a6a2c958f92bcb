import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** Slow, memory-hard password hashing with scrypt (Node's built-in KDF). */
export interface PasswordHasher {
  hash(secret: string): Promise<string>;
  verify(secret: string, stored: string): Promise<boolean>;
}

export interface ScryptCost {
  /** log2 of scrypt's N (CPU/memory cost). 14 costs about 16 MiB and tens of ms. */
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
}

export const defaultScryptCost: ScryptCost = { log2N: 14, r: 8, p: 1 };
const keyLength = 32;

function derive(secret: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.log2N;
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, keyLength, { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** Stored form: `scrypt$<log2N>$<r>$<p>$<salt b64>$<hash b64>`; the cost travels with the hash. */
export function createPasswordHasher(cost: ScryptCost = defaultScryptCost): PasswordHasher {
  return {
    async hash(secret) {
      const salt = randomBytes(16);
      const key = await derive(secret, salt, cost);
      return ['scrypt', cost.log2N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join(
        '$',
      );
    },
    async verify(secret, stored) {
      const [alg, n, r, p, salt, hash] = stored.split('$');
      if (alg !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
      const expected = Buffer.from(hash, 'base64');
      const key = await derive(secret, Buffer.from(salt, 'base64'), {
        log2N: Number(n),
        r: Number(r),
        p: Number(p),
      });
      return key.length === expected.length && timingSafeEqual(key, expected);
    },
  };
}

/** A valid hash of nothing useful: checking a missing credential against it costs what a real check costs. */
export const dummyPasswordHash =
  'scrypt$14$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
