import { openDatabase } from '../../../db/database.js';
import { insertDomain } from '../../domains/domain-store.js';
import type { IdentityDeps } from '../../identity-deps.js';
import { createPasswordHasher } from '../../passwords/password-hash.js';
import { TokenKeyRing } from '../../tokens/token-keys.js';

/** A fresh in-memory identity database with the 'default' domain; close it with `deps.store.close()`. */
export async function catalogTestDeps(): Promise<IdentityDeps> {
  const store = await openDatabase(':memory:');
  const clock = () => new Date();
  await insertDomain(
    store.db,
    { id: 'default', name: 'Default', description: '', enabled: true, extra: {} },
    clock().toISOString(),
  );
  return {
    store,
    clock,
    hasher: createPasswordHasher({ memoryKiB: 64, passes: 1 }),
    keys: new TokenKeyRing(store, clock, { rotateAfterMs: 86_400_000, maxActiveKeys: 3 }),
    settings: { tokenExpirationSec: 3600, regionId: 'RegionOne', listLimit: 0 },
  };
}
