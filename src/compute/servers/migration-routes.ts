import { NotFoundError } from '../../common/errors.js';
import { serverTarget } from './server-caller.js';
import { atLeast } from '../../common/http/microversion.js';
import type { RouteSpec } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import { secondsTime } from '../../common/time.js';
import type { ComputeDeps } from '../compute-deps.js';

/** GET /os-migrations (admin): resizes and moves, newest first, as Nova 2.1 lists them. */
export const migrationRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/os-migrations',
    policy: 'os_compute_api:os-migrations:index',
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      let q = deps.store.db.selectFrom('migrations').selectAll().orderBy('id', 'desc');
      const instance = ctx.query['instance_uuid'];
      if (typeof instance === 'string') q = q.where('server_id', '=', instance);
      const status = ctx.query['status'];
      if (typeof status === 'string') q = q.where('status', '=', status);
      const rows = await q.limit(1000).execute();
      return {
        migrations: rows.map((m) => ({
          id: m.id,
          instance_uuid: m.server_id,
          ...(atLeast(ctx.microversion, [2, 23]) && { migration_type: m.migration_type }),
          status: m.status,
          source_compute: m.source_compute,
          source_node: m.source_compute,
          dest_compute: m.dest_compute,
          dest_node: m.dest_compute,
          dest_host: null,
          old_instance_type_id: m.old_flavor_id,
          new_instance_type_id: m.new_flavor_id,
          source_region: null,
          dest_region: null,
          created_at: secondsTime(m.created_at),
          updated_at: secondsTime(m.updated_at),
        })),
      };
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/servers/:server_id/migrations',
    policy: 'os_compute_api:servers:migrations:index',
    target: serverTarget,
    successStatus: 200,
    expectedErrors: [404],
    // 2.23: the server's in-progress live migrations. Strata does not live-migrate, so none.
    handler: async (ctx) => {
      if (!atLeast(ctx.microversion, [2, 23]))
        throw new NotFoundError('compute.server_migrations.version', 'The resource could not be found.');
      return { migrations: [] };
    },
  }),
];
