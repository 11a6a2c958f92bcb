import { atLeast } from '../../common/http/microversion.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { isUp } from '../hosts/host-service.js';
import { listHosts } from '../hosts/host-store.js';
import { serverNetworking } from '../networking/server-addresses.js';
import { callerOf } from './server-caller.js';
import { volumesAttachedOf } from '../block-devices/volumes-attached.js';
import type { Server } from './server-model.js';
import type { HostStatus, ViewContext } from './server-view.js';

/**
 * What the server views need from the request: the caller, the microversion, the given
 * servers' ports (one read for the page) and, when
 * the caller may see it (2.16), each host's status. Hosts are read once per request,
 * so a page of a thousand servers costs one query.
 */
export async function serverViewContext(
  ctx: RequestContext,
  deps: ComputeDeps,
  servers: ReadonlyArray<Pick<Server, 'id'> & Partial<Pick<Server, 'projectId'>>> = [],
): Promise<ViewContext> {
  const base = {
    serviceUrl: ctx.serviceUrl,
    isAdmin: callerOf(ctx).isAdmin,
    microversion: ctx.microversion,
    ...(atLeast(ctx.microversion, [2, 47]) && {
      flavorExtraSpecs: ctx.can('os_compute_api:servers:show:flavor-extra-specs', {
        project_id: servers[0]?.projectId ?? callerOf(ctx).projectId,
      }),
    }),
    ...(servers.length > 0 && {
      networking: await serverNetworking(
        deps,
        { projectId: callerOf(ctx).projectId, isAdmin: callerOf(ctx).isAdmin },
        servers.map((s) => s.id),
      ),
      volumes: await volumesAttachedOf(
        deps.store.db,
        servers.map((s) => s.id),
      ),
    }),
  };
  if (!atLeast(ctx.microversion, [2, 16]) || !ctx.can('os_compute_api:servers:show:host_status', {}))
    return base;
  const byName = new Map((await listHosts(deps.store.db)).map((h) => [h.hostname, h]));
  return {
    ...base,
    hostStatus: (name): HostStatus => {
      if (name === null) return '';
      const host = byName.get(name);
      // As Nova: forced down beats disabled, which beats a missed heartbeat.
      if (host === undefined) return 'UNKNOWN';
      if (host.forcedDown) return 'DOWN';
      if (host.status === 'disabled') return 'MAINTENANCE';
      return isUp(deps, host) ? 'UP' : 'UNKNOWN';
    },
  };
}
