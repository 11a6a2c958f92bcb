import { ConflictError } from '../../common/errors.js';
import type { Db } from '../../db/db-handle.js';

export const autoAllocationFailure = (reason: string) =>
  new ConflictError('network.auto_allocation.failure', `Deployment error: ${reason}.`);

const defaultExternalExists = (id: string) =>
  new ConflictError(
    'network.default_external_network.exists',
    `A default external network already exists: ${id}.`,
  );

/** The external network marked `is_default` (the oldest, should there be several). */
export async function defaultExternalNetwork(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom('networks')
    .select('id')
    .where('is_default', '=', 1)
    .where('external', '=', 1)
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst();
  return row?.id;
}

/** Neutron keeps one default external network at a time (DefaultExternalNetworkExists). */
export async function checkDefaultExternal(db: Db, networkId: string): Promise<void> {
  const other = await defaultExternalNetwork(db);
  if (other !== undefined && other !== networkId) throw defaultExternalExists(other);
}
