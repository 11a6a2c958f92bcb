import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { InputError, NotFoundError } from '../../common/errors.js';
import { checkTransferQuota } from '../quotas/volume-quota-service.js';
import { retryClaimRaces } from '../capacity/backend-capacity.js';
import { snapshotsOfVolume, updateSnapshotIf } from '../snapshots/snapshot-store.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import { findVolume } from '../volumes/volume-service.js';
import { getVolume, updateVolumeIf } from '../volumes/volume-store.js';
import type { TransferRecord, TransferSortKey } from './transfer-store.js';
import { deleteTransfer, getTransfer, insertTransfer, listTransfers } from './transfer-store.js';

/** Cinder's volume_transfer_key_length and salt length. */
const keyLength = 16;
const saltLength = 8;
const keyAlphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function transferNotFound(id: string): NotFoundError {
  return new NotFoundError('volume.transfer.not_found', `Transfer ${id} could not be found.`);
}

function randomText(n: number): string {
  return [...randomBytes(n)].map((b) => keyAlphabet[b % keyAlphabet.length]).join('');
}

const hashOf = (salt: string, key: string) =>
  createHash('sha256')
    .update(salt + key)
    .digest('hex');

/** The transfer as its source project sees it (any for admins); 404 otherwise. */
export async function findTransfer(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
): Promise<TransferRecord> {
  const t = await getTransfer(deps.store.db, id);
  if (t === undefined || (!caller.isAdmin && t.sourceProjectId !== caller.projectId))
    throw transferNotFound(id);
  return t;
}

export interface TransferCreate {
  readonly volumeId: string;
  readonly name?: string | null;
  /** 3.55: the volume's snapshots stay behind (and are not moved). */
  readonly noSnapshots: boolean;
}

/** Offers the volume (then `awaiting-transfer`); the auth key is returned once, only its hash kept. */
export async function createTransfer(
  deps: VolumeDeps,
  caller: VolumeCaller,
  req: TransferCreate,
): Promise<{ transfer: TransferRecord; authKey: string }> {
  const v = await findVolume(deps, caller, req.volumeId);
  if (v.status !== 'available')
    throw new InputError('volume.transfer.bad_volume_status', 'Invalid volume: status must be available');
  if (!req.noSnapshots) {
    const busy = (await snapshotsOfVolume(deps.store.db, v.id)).find((s) => s.status !== 'available');
    if (busy)
      throw new InputError(
        'volume.transfer.bad_snapshot_status',
        `Invalid snapshot: snapshot ${busy.id} is not in available state.`,
      );
  }
  const authKey = randomText(keyLength);
  const salt = randomText(saltLength);
  const now = deps.clock().toISOString();
  const transfer: TransferRecord = {
    id: crypto.randomUUID(),
    volumeId: v.id,
    sourceProjectId: v.projectId,
    name: req.name ?? null,
    salt,
    cryptHash: hashOf(salt, authKey),
    noSnapshots: req.noSnapshots,
    createdAt: now,
  };
  const won = await deps.store.write(async (tx) => {
    if (!(await updateVolumeIf(tx, v.id, v.generation, { status: 'awaiting-transfer' }, now))) return false;
    await insertTransfer(tx, transfer);
    return true;
  });
  if (!won)
    throw new InputError('volume.volume.busy', `Invalid volume: Volume ${v.id} is being changed; try again.`);
  return { transfer, authKey };
}

export async function listProjectTransfers(
  deps: VolumeDeps,
  projectId: string | undefined,
  sort: ReadonlyArray<{ readonly key: TransferSortKey; readonly dir: 'asc' | 'desc' }>,
): Promise<TransferRecord[]> {
  return listTransfers(deps.store.db, projectId, sort);
}

/** Withdraws the offer: the volume is `available` again. */
export async function cancelTransfer(deps: VolumeDeps, caller: VolumeCaller, id: string): Promise<void> {
  const t = await findTransfer(deps, caller, id);
  await deps.store.write(async (tx) => {
    if (!(await deleteTransfer(tx, t.id))) throw transferNotFound(id);
    await settleVolume(deps, tx, t.volumeId, {});
  });
}

/** Sets the volume `available` (plus `extra`) if it still awaits the transfer. */
async function settleVolume(
  deps: VolumeDeps,
  tx: Parameters<typeof getVolume>[0],
  volumeId: string,
  extra: { project_id?: string; user_id?: string },
): Promise<boolean> {
  const v = await getVolume(tx, volumeId);
  if (v?.status !== 'awaiting-transfer') return false;
  const set = { status: 'available' as const, ...extra };
  return updateVolumeIf(tx, v.id, v.generation, set, deps.clock().toISOString());
}

function keyMatches(t: TransferRecord, authKey: string): boolean {
  const a = Buffer.from(hashOf(t.salt, authKey));
  const b = Buffer.from(t.cryptHash);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Moves the volume (and its snapshots unless `no_snapshots`) to the caller's project,
 * after the auth key and the caller's quotas are checked; usage follows the rows, so the
 * quotas move with them. One transaction: the transfer is consumed exactly once.
 */
export async function acceptTransfer(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  authKey: string,
): Promise<TransferRecord> {
  const t = await getTransfer(deps.store.db, id);
  if (t === undefined) throw transferNotFound(id);
  if (!keyMatches(t, authKey))
    throw new InputError(
      'volume.transfer.bad_key',
      `Invalid auth key: Attempt to transfer ${id} with invalid auth key.`,
    );
  const v = await getVolume(deps.store.db, t.volumeId);
  if (v === undefined) throw transferNotFound(id);
  const snaps = t.noSnapshots ? [] : await snapshotsOfVolume(deps.store.db, v.id);
  const snapGb = snaps.reduce((n, s) => n + s.size, 0);
  await checkTransferQuota(deps, caller.projectId, { gigabytes: v.size + snapGb, snapshots: snaps.length });
  const now = deps.clock().toISOString();
  await deps.capacity?.ready();
  await retryClaimRaces(() =>
    deps.store.write(async (tx) => {
      if (!(await deleteTransfer(tx, t.id))) throw transferNotFound(id);
      const owner = { project_id: caller.projectId, user_id: caller.userId };
      if (!(await settleVolume(deps, tx, v.id, owner)))
        throw new InputError(
          'volume.volume.busy',
          `Invalid volume: Volume ${v.id} is being changed; try again.`,
        );
      // The claim moves to the new owner too (same size: it fits unless the pool is already over).
      const claim = { id: v.id, projectId: caller.projectId, userId: caller.userId, size: v.size };
      await deps.capacity?.claimIn(tx, claim, 'creation');
      for (const s of snaps)
        if (!(await updateSnapshotIf(tx, s.id, s.generation, owner, now)))
          throw new InputError(
            'volume.snapshot.busy',
            `Invalid snapshot: Snapshot ${s.id} is being changed; try again.`,
          );
    }),
  );
  return t;
}
