import { randomFillSync, randomUUID } from 'node:crypto';

/** Keystone-style id: a UUID without dashes. */
export function hexId(): string {
  return randomUUID().replace(/-/g, '');
}

/** Dashed UUID, as Nova, Neutron and Glance use. */
export function uuid(): string {
  return randomUUID();
}

/**
 * Random bytes are drawn from the kernel 4 KiB at a time (as randomUUID does): one
 * getrandom call per token costs more than the rest of a server create under load.
 */
const pool = Buffer.alloc(4096);
let used = pool.length;

/** `bytes` random bytes, encoded; spent bytes are zeroed so no secret outlives its use in the pool. */
function draw(bytes: number, encoding: 'base64url' | 'hex'): string {
  if (bytes > pool.length) return randomFillSync(Buffer.alloc(bytes)).toString(encoding);
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const out = pool.toString(encoding, used, used + bytes);
  pool.fill(0, used, used + bytes);
  used += bytes;
  return out;
}

/** Short url-safe random string (audit ids, secrets). */
export function randomToken(bytes: number): string {
  return draw(bytes, 'base64url');
}

/** Random lowercase hex string of `bytes` bytes (reservation ids). */
export function randomHex(bytes: number): string {
  return draw(bytes, 'hex');
}
