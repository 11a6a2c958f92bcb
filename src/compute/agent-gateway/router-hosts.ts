import { isSet } from '../../db/row-codec.js';
import type { RouterHostCandidate } from '../../scheduler/router-host-selector.js';
import type { ComputeDeps } from '../compute-deps.js';
import { isUp } from '../hosts/host-service.js';

/** Every registered host as the router scheduler sees it, up/enabled as of now. */
export async function routerHostCandidates(
  deps: Pick<ComputeDeps, 'store' | 'clock' | 'serviceDownTimeSec'>,
): Promise<RouterHostCandidate[]> {
  const rows = await deps.store.db
    .selectFrom('compute_hosts')
    .select(['hostname', 'status', 'forced_down', 'last_heartbeat', 'dataplane'])
    .orderBy('hostname')
    .execute();
  return rows.map((r) => ({
    hostname: r.hostname,
    enabled: r.status === 'enabled',
    up: isUp(deps, { forcedDown: isSet(r.forced_down), lastHeartbeat: r.last_heartbeat }),
    dataplane: r.dataplane,
  }));
}
