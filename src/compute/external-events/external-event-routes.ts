import { respond } from '../../common/http/http-response.js';
import type { RouteSpec } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { adminApi } from '../compute-policy.js';
import { startAction } from '../instance-actions/instance-action-store.js';
import type { ExternalEvent } from './external-event-schemas.js';
import { externalEventsBody, tagRequired } from './external-event-schemas.js';
import { externalEventsResponse } from './external-event-response-schemas.js';

/** Nova's rule: an API for the other services (Neutron, Cinder), under admin credentials. */
export const externalEventPolicy: Readonly<Record<string, string>> = {
  'os_compute_api:os-server-external-events:create': adminApi,
};

interface EventOutcome extends ExternalEvent {
  status: 'failed' | 'completed' | 'in-progress';
  code: 200 | 400 | 404 | 422;
}

/** The live servers the events name, with their host (null before scheduling). */
async function serverHosts(deps: ComputeDeps, ids: ReadonlyArray<string>) {
  const rows = await deps.store.db
    .selectFrom('servers')
    .select(['id', 'host', 'project_id', 'user_id'])
    .where('id', 'in', [...new Set(ids)])
    .where('deleted_at', 'is', null)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Judges each event as Nova does: unknown server 404, a required tag missing 400, a server
 * on no host 422 (nothing to deliver to), else accepted (200, status completed).
 */
function judge(e: ExternalEvent, host: string | null | undefined): EventOutcome {
  if (host === undefined) return { ...e, status: 'failed', code: 404 };
  if (tagRequired.includes(e.name) && e.tag === undefined) return { ...e, status: 'failed', code: 400 };
  if (host === null) return { ...e, status: 'failed', code: 422 };
  return { ...e, status: 'completed', code: 200 };
}

export const externalEventRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps>({
    method: 'POST',
    url: '/v2.1/os-server-external-events',
    policy: 'os_compute_api:os-server-external-events:create',
    successStatus: 200,
    response: externalEventsResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const { events } = externalEventsBody(ctx.microversion)(ctx.body, 'body') as {
        events: ExternalEvent[];
      };
      const servers = await serverHosts(
        deps,
        events.map((e) => e.server_uuid),
      );
      const outcomes = events.map((e) => judge(e, servers.get(e.server_uuid)?.host));
      // Network events need no delivery here: Strata reads ports live, and plugs VIFs itself.
      // volume-extended is Cinder's in-use extend; Nova records it as the server's action.
      const extended = outcomes.filter((o) => o.code === 200 && o.name === 'volume-extended');
      await startAction(deps.store.db, {
        serverIds: [...new Set(extended.map((o) => o.server_uuid))],
        requestId: ctx.requestId,
        action: 'extend_volume',
        projectId: ctx.auth.projectId ?? '',
        userId: ctx.auth.userId,
        now: deps.clock().toISOString(),
      });
      const status = outcomes.every((o) => o.code === 200) ? 200 : 207;
      return respond({ events: outcomes }, { status });
    },
  }),
];
