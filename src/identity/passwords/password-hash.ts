import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password and secret hashing: Argon2id at OWASP's minimum (19 MiB, two passes, one lane).
 * Hashes made before (scrypt) still verify, and `needsRehash` tells the caller to replace
 * them at the next successful login.
 */
export interface PasswordHasher {
  hash(secret: string): Promise<string>;
  /** False for a wrong secret or a stored value that is no hash; `undefined` costs a real check too. */
  verify(secret: string, stored: string | undefined): Promise<boolean>;
  /** True when `stored` was made with another algorithm or cost than new hashes get. */
  needsRehash(stored: string): boolean;
}

export interface Argon2Cost {
  /** Memory per hash in KiB (OWASP: 19456 = 19 MiB). */
  readonly memoryKiB: number;
  readonly passes: number;
}

export const defaultArgon2Cost: Argon2Cost = { memoryKiB: 19_456, passes: 2 };

/** @node-rs/argon2's Algorithm.Argon2id (a const enum, which this build cannot import). */
const argon2id = 2;

/** Hashes at once: each holds `memoryKiB`, so this bounds the memory logins can take. */
const defaultConcurrency = 2;

/** Runs at most `limit` tasks at a time; the rest wait in order. */
class Gate {
  #running = 0;
  readonly #waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running++;
    try {
      return await task();
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }
}

export function createPasswordHasher(
  cost: Argon2Cost = defaultArgon2Cost,
  concurrency = defaultConcurrency,
): PasswordHasher {
  const gate = new Gate(concurrency);
  const options = {
    algorithm: argon2id,
    memoryCost: cost.memoryKiB,
    timeCost: cost.passes,
    parallelism: 1,
  };
  const prefix = `$argon2id$v=19$m=${cost.memoryKiB},t=${cost.passes},p=1$`;
  const hash = (secret: string) => gate.run(() => argon2Hash(secret, options));
  // A hash of nothing anyone knows, at the current cost: checking a missing credential
  // against it takes as long as a real check, so timing does not tell which names exist.
  let dummy: Promise<string> | undefined;
  return {
    hash,
    async verify(secret, stored) {
      if (stored === undefined) {
        dummy ??= hash(randomBytes(16).toString('hex'));
        await gate.run(async () => argon2Verify(await dummy!, secret).catch(() => false));
        return false;
      }
      if (stored.startsWith('$argon2id$'))
        return gate.run(() => argon2Verify(stored, secret).catch(() => false));
      if (stored.startsWith('scrypt$')) return gate.run(() => verifyScrypt(secret, stored));
      return false;
    },
    needsRehash: (stored) => !stored.startsWith(prefix),
  };
}

/** The hashes Strata made before Argon2id: `scrypt$<log2N>$<r>$<p>$<salt b64>$<hash b64>`. */
async function verifyScrypt(secret: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, hash] = stored.split('$');
  if (!n || !r || !p || !salt || !hash) return false;
  const N = 2 ** Number(n);
  const expected = Buffer.from(hash, 'base64');
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(
      secret,
      Buffer.from(salt, 'base64'),
      expected.length || 32,
      { N, r: Number(r), p: Number(p), maxmem: 256 * N * Number(r) },
      (err, k) => (err ? reject(err) : resolve(k)),
    ),
  ).catch(() => undefined);
  return key !== undefined && key.length === expected.length && timingSafeEqual(key, expected);
}
