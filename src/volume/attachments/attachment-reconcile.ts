import type { ReconcileResult } from '../../common/reconcile/controller.js';
import { sameDiskQos } from '../../agent/drivers/driver.js';
import type { DiskOnServer, VolumeDeps } from '../volume-deps.js';
import type { VolumeRecord } from '../volumes/volume-store.js';
import { frontEndSpecsOf } from '../qos/qos-front-end.js';
import { changeAttachments } from './attachment-status.js';
import { withQosSpecs } from './connection-info.js';
import { qosDiskOf } from './volume-attachment-service.js';
import type { AttachmentChange, VolumeAttachment } from './volume-attachment-store.js';
import { deleteVolumeAttachment, updateVolumeAttachment } from './volume-attachment-store.js';

/** What one attachment needs after a look at the server: a record change, and whether to look again. */
interface Step {
  readonly drop?: boolean;
  readonly set?: AttachmentChange;
  readonly pending?: boolean;
}

/**
 * One pass over the attachments the device seam drives (an outside consumer's are its own
 * business): each takes one idempotent step against what the server really has, then the
 * record changes land together and the volume's status follows them.
 */
export async function reconcileAttachments(
  deps: VolumeDeps,
  v: VolumeRecord,
  attachments: ReadonlyArray<VolumeAttachment>,
): Promise<ReconcileResult> {
  const driven = attachments.filter((a) => a.driver === 'compute');
  const steps = new Map<string, { readonly from: VolumeAttachment['attachStatus']; readonly step: Step }>();
  for (const a of driven) steps.set(a.id, { from: a.attachStatus, step: await stepOf(deps, v, a) });
  const changes = [...steps].filter(([, s]) => s.step.drop === true || s.step.set !== undefined);
  if (changes.length > 0)
    await changeAttachments(deps, v.id, async (tx, _cur, existing) => {
      for (const [id, { from, step }] of changes) {
        // Someone (an API call) moved it since we looked: the next pass sees the new state.
        if (!existing.some((x) => x.id === id && x.attachStatus === from)) continue;
        if (step.drop === true) await deleteVolumeAttachment(tx, id);
        else if (step.set !== undefined) await updateVolumeAttachment(tx, id, step.set);
      }
      return { value: undefined };
    });
  return [...steps.values()].some((s) => s.step.pending === true) ? poll(deps, v) : {};
}

/**
 * While the host works on a disk: soon after the change (an attach takes tens of
 * milliseconds on a fake host), then backing off to once a second for slow hosts.
 */
function poll(deps: VolumeDeps, v: VolumeRecord): ReconcileResult {
  const age = deps.clock().getTime() - Date.parse(v.updatedAt ?? v.createdAt);
  return { requeueAfterMs: Math.min(1000, Math.max(20, Math.round(age / 4))) };
}

async function stepOf(deps: VolumeDeps, v: VolumeRecord, a: VolumeAttachment): Promise<Step> {
  const port = deps.devices();
  const d = await port.disk(a.serverId, v.id);
  // A deleted server frees its volumes.
  if (d.kind === 'no-server') return { drop: true };
  const now = deps.clock().toISOString();
  switch (a.attachStatus) {
    case 'attaching':
      // Reserved but never requested (compute died in between): request it now.
      if (d.kind === 'absent' || d.desired === 'detached') {
        await port.attach(a.serverId, await qosDiskOf(deps, v, a.device));
        return { pending: true };
      }
      if (d.status === 'error') {
        deps.log.warn({ volumeId: v.id, serverId: a.serverId }, 'volume attach failed on the host');
        await port.detach(a.serverId, v.id);
        return { drop: true };
      }
      if (d.status !== 'attached') return { pending: true };
      return { set: { attachStatus: 'attached', hostName: d.host, attachedAt: now } };
    case 'detaching':
      if (d.kind !== 'present') return { drop: true };
      if (d.desired === 'attached') {
        await port.detach(a.serverId, v.id);
        return { pending: true };
      }
      if (d.status === 'error') {
        // The host could not take it off: still in use there (Cinder's roll_detaching).
        deps.log.warn({ volumeId: v.id, serverId: a.serverId }, 'volume detach failed on the host');
        return { set: { attachStatus: 'attached', attachedAt: a.attachedAt ?? now } };
      }
      return { pending: true };
    case 'attached': {
      await requalify(deps, v, a, d);
      // connection_info shows the limits the disk has now, not those given at attach.
      const info = withQosSpecs(a.connectionInfo, await frontEndSpecsOf(deps.store.db, v));
      return info === undefined ? {} : { set: { connectionInfo: info } };
    }
    default:
      return {};
  }
}

/**
 * A disk in use whose type's QoS specs changed since it was put on the server (specs set
 * or unset, associated or disassociated): compute is asked for it again with today's
 * limits and the host re-throttles it in place (QMP block_set_io_throttle, or the
 * container's blkio cgroup). The request records the new limits, so a host that cannot
 * apply them (QEMU refuses the combination) leaves the device in error, not in a loop.
 */
async function requalify(
  deps: VolumeDeps,
  v: VolumeRecord,
  a: VolumeAttachment,
  d: DiskOnServer,
): Promise<void> {
  if (d.kind !== 'present' || d.desired !== 'attached' || d.status === 'attaching') return;
  const disk = await qosDiskOf(deps, v, a.device);
  if (sameDiskQos(d.qos, disk.qos)) return;
  deps.log.info(
    { volumeId: v.id, serverId: a.serverId },
    'volume QoS changed: re-throttling the attached disk',
  );
  await deps.devices().attach(a.serverId, disk);
}
