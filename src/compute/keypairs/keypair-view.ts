import { keystoneTime } from '../../common/time.js';
import type { Keypair } from './keypair-store.js';

/** GET /os-keypairs at 2.1: each entry wrapped in its own `keypair` object, without type. */
export function keypairListView(keypairs: ReadonlyArray<Keypair>) {
  return {
    keypairs: keypairs.map((k) => ({
      keypair: { name: k.name, public_key: k.publicKey, fingerprint: k.fingerprint },
    })),
  };
}

/** POST answer; the private key appears here once, only for a generated pair. */
export function keypairCreateView(k: Keypair, privateKey?: string) {
  return {
    keypair: {
      ...(privateKey !== undefined && { private_key: privateKey }),
      name: k.name,
      public_key: k.publicKey,
      fingerprint: k.fingerprint,
      user_id: k.userId,
    },
  };
}

/**
 * GET /os-keypairs/{name}: Nova's soft-delete columns are constant here (rows are really
 * deleted). Nova's integer `id` is left out: Strata keys pairs by (user, name).
 */
export function keypairView(k: Keypair) {
  return {
    keypair: {
      name: k.name,
      public_key: k.publicKey,
      fingerprint: k.fingerprint,
      user_id: k.userId,
      // Nova prints naive UTC datetimes with microseconds and no zone suffix.
      created_at: keystoneTime(k.createdAt).replace(/Z$/, ''),
      deleted: false,
      deleted_at: null,
      updated_at: null,
    },
  };
}
