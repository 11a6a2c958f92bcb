import { newRequestId } from '../../common/http/request-id.js';
import type { ComputeDeps } from '../compute-deps.js';
import { recordEvent, startAction } from '../instance-actions/instance-action-store.js';
import { getServer } from '../servers/server-store.js';

/**
 * What Nova does on Cinder's volume-extended event, for Strata's own in-use extend: the
 * server gains an `extend_volume` action whose `compute_extend_volume` event says how the
 * host's disk growth went (readable by the server's owner from 2.51).
 */
export async function recordVolumeExtended(
  deps: ComputeDeps,
  serverId: string,
  volumeId: string,
  ok: boolean,
): Promise<void> {
  const s = await getServer(deps.store.db, serverId);
  if (s === undefined || s.deletedAt !== null) return;
  const now = deps.clock().toISOString();
  await startAction(deps.store.db, {
    serverIds: [s.id],
    requestId: newRequestId(),
    action: 'extend_volume',
    projectId: s.projectId,
    userId: s.userId,
    now,
  });
  await recordEvent(deps.store.db, {
    serverId: s.id,
    action: 'extend_volume',
    event: 'compute_extend_volume',
    start: now,
    finish: now,
    ok,
    host: s.host,
    ...(!ok && { details: `Extending volume ${volumeId} failed on the host.` }),
  });
}
