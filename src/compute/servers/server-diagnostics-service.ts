import type { WorkloadDiagnostics, WorkloadHandle } from '../../agent/drivers/driver.js';
import { ConflictError, InvalidStateError } from '../../common/errors.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { ServerDiagnostics } from './server-diagnostics-schemas.js';
import { powerStateNames, serverDiagnosticsView } from './server-diagnostics-view.js';
import type { Caller } from './server-inputs.js';
import { PowerState } from './server-model.js';
import { findServer } from './server-service.js';
import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import { volumesAttachedOf } from '../block-devices/volumes-attached.js';
import { serverPorts } from '../networking/server-port-store.js';
import { standardDiagnosticsView } from './server-diagnostics-standard.js';

/**
 * Diagnostics from what the control plane stores (Nova asks the host's driver; Strata
 * does not call the agent for this). As in Nova: 404 for a server the caller may not
 * see, 409 while it has no host, and 409 unless its power state is running.
 */
export async function serverDiagnostics(
  deps: ComputeDeps,
  caller: Caller,
  serverId: string,
  mv?: Microversion,
): Promise<ServerDiagnostics | ReturnType<typeof standardDiagnosticsView>> {
  const s = await findServer(deps, caller, serverId);
  if (s.host === null) throw new ConflictError('compute.server.not_ready', `Instance ${s.id} is not ready`);
  if (s.powerState !== PowerState.RUNNING) {
    const state = powerStateNames[s.powerState];
    throw new InvalidStateError(
      'compute.server.invalid_state',
      `Cannot 'get_diagnostics' instance ${s.id} while it is in power state ${state}`,
      'server',
      state,
      'get_diagnostics',
    );
  }
  const row = await deps.store.db
    .selectFrom('servers')
    .leftJoin('compute_hosts', 'compute_hosts.hostname', 'servers.host')
    .select(['servers.workload_handle', 'compute_hosts.driver'])
    .where('servers.id', '=', s.id)
    .executeTakeFirst();
  const src = {
    server: s,
    handle: parseHandle(row?.workload_handle ?? null),
    hostDriver: row?.driver ?? undefined,
    now: deps.clock(),
  };
  if (!atLeast(mv, [2, 48])) return serverDiagnosticsView(src);
  const volumes = (await volumesAttachedOf(deps.store.db, [s.id])).get(s.id) ?? [];
  const nics = (await serverPorts(deps.store.db, s.id)).length;
  return standardDiagnosticsView({ ...src, nics, volumes: volumes.length });
}

/** The stored handle, or undefined when there is none or it is not a handle (never throws). */
export function parseHandle(text: string | null): WorkloadHandle | undefined {
  if (text === null) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const h = v as Record<string, unknown>;
  return typeof h['workloadId'] === 'string' &&
    typeof h['driver'] === 'string' &&
    Number.isInteger(h['stateVersion'])
    ? {
        workloadId: h['workloadId'],
        driver: h['driver'],
        stateVersion: h['stateVersion'] as number,
        state: h['state'],
        ...(typeof h['diagnostics'] === 'object' &&
          h['diagnostics'] !== null && { diagnostics: h['diagnostics'] as WorkloadDiagnostics }),
      }
    : undefined;
}
