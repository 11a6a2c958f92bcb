import type { Transaction, Updateable } from 'kysely';
import { InputError } from '../../common/errors.js';
import type { Database } from '../../db/schema.js';
import type { VolumeStatus, VolumeTable } from '../../db/tables/volume-tables.js';
import type { VolumeDeps } from '../volume-deps.js';
import type { VolumeRecord } from '../volumes/volume-store.js';
import { getVolume, updateVolumeIf } from '../volumes/volume-store.js';
import { volumeNotFound } from '../volumes/volume-service.js';
import type { VolumeAttachment } from './volume-attachment-store.js';
import { attachmentsOfVolume } from './volume-attachment-store.js';

/**
 * The volume's status from its attachments, as Cinder moves it: work in flight shows
 * first (attaching, detaching), then in-use while any server has it, then a bare
 * reservation; none left frees it.
 */
export function volumeStatusOf(
  attachments: ReadonlyArray<Pick<VolumeAttachment, 'attachStatus'>>,
): VolumeStatus {
  const has = (s: VolumeAttachment['attachStatus']) => attachments.some((a) => a.attachStatus === s);
  if (has('attaching')) return 'attaching';
  if (has('detaching')) return 'detaching';
  if (has('attached')) return 'in-use';
  if (has('reserved')) return 'reserved';
  return 'available';
}

/** Statuses whose value follows the attachments (others: creating, deleting, extending, error…). */
export const attachmentStatuses: ReadonlySet<VolumeStatus> = new Set([
  'available',
  'reserved',
  'attaching',
  'in-use',
  'detaching',
]);

class LostRace extends Error {}

/**
 * Runs `change` on a volume and its attachments in one transaction, then sets the volume's
 * status from the attachments left (unless `change` names one). Compare-and-set on the
 * volume's generation; retried a few times when another writer won.
 */
export async function changeAttachments<T>(
  deps: VolumeDeps,
  volumeId: string,
  change: (
    tx: Transaction<Database>,
    v: VolumeRecord,
    attachments: VolumeAttachment[],
  ) => Promise<ChangeResult<T>>,
): Promise<T> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await deps.store.write(async (tx) => {
        const v = await getVolume(tx, volumeId);
        if (v === undefined) throw volumeNotFound(volumeId);
        const r = await change(tx, v, await attachmentsOfVolume(tx, volumeId));
        // A volume busy otherwise (extending, error…) keeps its status; its attachments still change.
        const status =
          r.status ??
          (attachmentStatuses.has(v.status)
            ? volumeStatusOf(await attachmentsOfVolume(tx, volumeId))
            : v.status);
        // An admin's reset holds until the status moves (see volume-admin-actions.ts).
        const set = { status, ...(status === v.status && { status_reset: v.statusReset ? 1 : 0 }), ...r.set };
        if (!(await updateVolumeIf(tx, v.id, v.generation, set, deps.clock().toISOString())))
          throw new LostRace();
        return r.value;
      });
    } catch (err) {
      if (!(err instanceof LostRace)) throw err;
    } finally {
      deps.wake(volumeId);
    }
  }
  throw new InputError(
    'volume.volume.busy',
    `Invalid volume: Volume ${volumeId} is being changed; try again.`,
  );
}

export interface ChangeResult<T> {
  readonly value: T;
  /** Set the volume to this instead of the status the attachments give. */
  readonly status?: VolumeStatus;
  /** Other columns of the volume to write with the status. */
  readonly set?: Omit<Updateable<VolumeTable>, 'id' | 'generation' | 'status'>;
}
