import type { VolumeDeps } from '../volume-deps.js';
import { typesOfQosSpecs } from './qos-store.js';

/**
 * Wakes the volume reconciler for every attached volume of the given types, after their QoS
 * changed (specs set or unset, associated, disassociated or deleted): its attachment pass
 * (attachment-reconcile.ts) compares the limits each server was given with the type's
 * limits today and re-requests the disks that differ. The periodic resync catches a wake
 * lost to a restart.
 */
export async function wakeAttachedVolumesOfTypes(
  deps: VolumeDeps,
  typeIds: ReadonlyArray<string>,
): Promise<void> {
  if (typeIds.length === 0) return;
  const rows = await deps.store.db
    .selectFrom('volumes')
    .select('id')
    .where('volume_type_id', 'in', [...typeIds])
    .where('status', 'in', ['in-use', 'attaching', 'detaching', 'reserved'])
    .execute();
  for (const r of rows) deps.wake(r.id);
}

/** The same for every type that uses the QoS specs. */
export async function wakeAttachedVolumesOfQos(deps: VolumeDeps, qosSpecsId: string): Promise<void> {
  const types = await typesOfQosSpecs(deps.store.db, qosSpecsId);
  await wakeAttachedVolumesOfTypes(
    deps,
    types.map((t) => t.id),
  );
}
