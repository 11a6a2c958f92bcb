import { NotFoundError } from '../../common/errors.js';
import { serverTarget } from './server-caller.js';
import { atLeast } from '../../common/http/microversion.js';
import type { RequestContext, RouteSpec } from '../../common/http/route-spec.js';
import type { Selectable } from 'kysely';
import type { Microversion } from '../../common/http/microversion.js';
import { nextPageLinks } from '../../common/http/pagination.js';
import type { MigrationTable } from '../../db/tables/compute-tables.js';
import type { ChangesPage } from '../compute-changes-page.js';
import { changesPageParser } from '../compute-changes-page.js';
import { apiMaxLimit, keypairMarkerNotFound } from '../compute-paging.js';
import { route } from '../../common/http/route-spec.js';
import { secondsTime } from '../../common/time.js';
import type { ComputeDeps } from '../compute-deps.js';
import { migrationListResponse, serverMigrationListResponse } from './migration-response-schemas.js';

type MigrationRow = Selectable<MigrationTable>;

/** Nova's fields (its response schema is closed: no regions, as in the legacy v2 API). */
function migrationView(m: MigrationRow, mv: Microversion | undefined) {
  return {
    id: m.id,
    ...(atLeast(mv, [2, 59]) && { uuid: m.uuid }),
    instance_uuid: m.server_id,
    ...(atLeast(mv, [2, 23]) && { migration_type: m.migration_type }),
    status: m.status,
    source_compute: m.source_compute,
    source_node: m.source_compute,
    dest_compute: m.dest_compute,
    dest_node: m.dest_compute,
    dest_host: null,
    old_instance_type_id: m.old_flavor_id,
    new_instance_type_id: m.new_flavor_id,
    created_at: secondsTime(m.created_at),
    updated_at: secondsTime(m.updated_at),
  };
}

/** Nova's filters of the list (hidden is always false here: Strata hides no migration). */
const filterNames = ['hidden', 'host', 'instance_uuid', 'source_compute', 'status', 'migration_type'];
const changesPage = changesPageParser(filterNames);

async function listMigrations(ctx: RequestContext, deps: ComputeDeps) {
  const mv = ctx.microversion;
  const q = ctx.query;
  const str = (k: string) => {
    const v = q[k];
    return typeof v === 'string' ? v : undefined;
  };
  const paged = atLeast(mv, [2, 59]) ? changesPage(q) : undefined;
  const after = paged?.page.marker === undefined ? undefined : await findMigration(deps, paged.page.marker);
  const rows = await selectMigrations(deps, {
    instanceUuid: str('instance_uuid'),
    status: str('status'),
    host: str('host'),
    sourceCompute: str('source_compute'),
    migrationType: str('migration_type'),
    ...(paged !== undefined && { paged, after }),
  });
  const migrations = rows.map((m) => migrationView(m, mv));
  if (paged === undefined) return { migrations };
  const links = nextPageLinks(
    ctx.url,
    q,
    paged.page,
    rows.map((m) => ({ id: m.uuid })),
  );
  return links.length > 0 ? { migrations, migrations_links: links } : { migrations };
}

async function findMigration(deps: ComputeDeps, uuid: string): Promise<MigrationRow> {
  const m = await deps.store.db
    .selectFrom('migrations')
    .selectAll()
    .where('uuid', '=', uuid)
    .executeTakeFirst();
  if (m === undefined) throw keypairMarkerNotFound(uuid);
  return m;
}

interface MigrationFilter {
  readonly instanceUuid: string | undefined;
  readonly status: string | undefined;
  readonly host: string | undefined;
  readonly sourceCompute: string | undefined;
  readonly migrationType: string | undefined;
  /** 2.59: newest first by creation, after the marker, changed since. */
  readonly paged?: ChangesPage;
  readonly after?: MigrationRow | undefined;
}

function selectMigrations(deps: ComputeDeps, f: MigrationFilter) {
  let q = deps.store.db.selectFrom('migrations').selectAll();
  if (f.instanceUuid !== undefined) q = q.where('server_id', '=', f.instanceUuid);
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  if (f.sourceCompute !== undefined) q = q.where('source_compute', '=', f.sourceCompute);
  if (f.migrationType !== undefined)
    q = q.where('migration_type', '=', f.migrationType as MigrationTable['migration_type']);
  const host = f.host;
  if (host !== undefined)
    q = q.where((eb) => eb.or([eb('source_compute', '=', host), eb('dest_compute', '=', host)]));
  if (f.paged === undefined) return q.orderBy('id', 'desc').limit(apiMaxLimit).execute();
  const { page, changesSince } = f.paged;
  const after = f.after;
  if (changesSince !== undefined) q = q.where('updated_at', '>=', changesSince);
  if (after !== undefined)
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '<', after.created_at),
        eb.and([eb('created_at', '=', after.created_at), eb('id', '<', after.id)]),
      ]),
    );
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

/** GET /os-migrations (admin): resizes and moves, newest first; pages from 2.59. */
export const migrationRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/os-migrations',
    policy: 'os_compute_api:os-migrations:index',
    successStatus: 200,
    response: migrationListResponse,
    expectedErrors: [],
    handler: listMigrations,
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/servers/:server_id/migrations',
    policy: 'os_compute_api:servers:migrations:index',
    target: serverTarget,
    successStatus: 200,
    response: serverMigrationListResponse,
    expectedErrors: [404],
    // 2.23: the server's in-progress live migrations. Strata does not live-migrate, so none.
    handler: async (ctx) => {
      if (!atLeast(ctx.microversion, [2, 23]))
        throw new NotFoundError('compute.server_migrations.version', 'The resource could not be found.');
      return { migrations: [] };
    },
  }),
];
