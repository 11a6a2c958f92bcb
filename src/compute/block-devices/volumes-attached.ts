import type { Db } from '../../db/db-handle.js';
import { deleteOnTerminationOf } from './block-device-store.js';

export interface AttachedVolume {
  readonly id: string;
  readonly deleteOnTermination: boolean;
}

/**
 * Each server's volumes, for the view's os-extended-volumes:volumes_attached: its disks
 * on the device seam that are (to be) attached, in the order they were requested, with
 * delete_on_termination from the block device mapping (false for volumes attached later).
 */
export async function volumesAttachedOf(
  db: Db,
  serverIds: ReadonlyArray<string>,
): Promise<Map<string, AttachedVolume[]>> {
  const out = new Map<string, AttachedVolume[]>();
  if (serverIds.length === 0) return out;
  const rows = await db
    .selectFrom('server_devices')
    .select(['server_id', 'device_id'])
    .where('server_id', 'in', serverIds)
    .where('kind', '=', 'disk')
    .where('desired', '=', 'attached')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const dot = await deleteOnTerminationOf(db, serverIds);
  for (const r of rows) {
    const list = out.get(r.server_id) ?? [];
    list.push({ id: r.device_id, deleteOnTermination: dot.get(`${r.server_id}/${r.device_id}`) ?? false });
    out.set(r.server_id, list);
  }
  return out;
}
