import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import { keystoneTime } from '../../common/time.js';
import type { Keypair } from './keypair-store.js';

/** `type` is shown from 2.2. */
const typeFrom = (k: Keypair, mv: Microversion | undefined) => atLeast(mv, [2, 2]) && { type: k.type };

/** GET /os-keypairs: each entry wrapped in its own `keypair` object. */
export function keypairListView(keypairs: ReadonlyArray<Keypair>, mv: Microversion | undefined) {
  return {
    keypairs: keypairs.map((k) => ({
      keypair: { name: k.name, public_key: k.publicKey, fingerprint: k.fingerprint, ...typeFrom(k, mv) },
    })),
  };
}

/** POST answer; the private key appears here once, only for a generated pair. */
export function keypairCreateView(k: Keypair, mv: Microversion | undefined, privateKey?: string) {
  return {
    keypair: {
      ...(privateKey !== undefined && { private_key: privateKey }),
      name: k.name,
      public_key: k.publicKey,
      fingerprint: k.fingerprint,
      user_id: k.userId,
      ...typeFrom(k, mv),
    },
  };
}

/**
 * GET /os-keypairs/{name}: Nova's row view, with its integer `id`. The soft-delete columns
 * are constant here (rows are really deleted, and a pair is never updated).
 */
export function keypairView(k: Keypair, mv: Microversion | undefined) {
  return {
    keypair: {
      id: k.id,
      name: k.name,
      public_key: k.publicKey,
      fingerprint: k.fingerprint,
      user_id: k.userId,
      // Nova prints naive UTC datetimes with microseconds and no zone suffix.
      created_at: keystoneTime(k.createdAt).replace(/Z$/, ''),
      deleted: false,
      deleted_at: null,
      updated_at: null,
      ...typeFrom(k, mv),
    },
  };
}
