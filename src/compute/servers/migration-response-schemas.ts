import Type from 'typebox';
import {
  byMicroversion,
  int,
  links,
  nullable,
  nullableStr,
  str,
  strict,
} from '../../common/http/response-schemas.js';

/**
 * Nova's migration bodies (api-ref "Migrations", "Server migrations"): `migration_type` and
 * live-migration links from 2.23, `uuid` and paging from 2.59.
 */

const nullableInt = nullable(int);

export const migrationListResponse = byMicroversion(['2.23', '2.59'], (since) =>
  strict({
    migrations: Type.Array(
      strict({
        id: int,
        ...(since('2.59') && { uuid: str }),
        instance_uuid: str,
        ...(since('2.23') && { migration_type: str, links: Type.Optional(links) }),
        status: str,
        source_compute: nullableStr,
        source_node: nullableStr,
        dest_compute: nullableStr,
        dest_node: nullableStr,
        dest_host: nullableStr,
        old_instance_type_id: nullable(Type.Union([int, str])),
        new_instance_type_id: nullable(Type.Union([int, str])),
        created_at: str,
        updated_at: nullableStr,
      }),
    ),
    ...(since('2.59') && { migrations_links: Type.Optional(links) }),
  }),
);

/** GET /servers/{id}/migrations (from 2.23): the server's live migrations in progress. */
export const serverMigrationListResponse = byMicroversion(['2.59'], (since) =>
  strict({
    migrations: Type.Array(
      strict({
        id: int,
        ...(since('2.59') && { uuid: str }),
        server_uuid: str,
        status: str,
        source_compute: nullableStr,
        source_node: nullableStr,
        dest_compute: nullableStr,
        dest_node: nullableStr,
        dest_host: nullableStr,
        disk_processed_bytes: nullableInt,
        disk_remaining_bytes: nullableInt,
        disk_total_bytes: nullableInt,
        memory_processed_bytes: nullableInt,
        memory_remaining_bytes: nullableInt,
        memory_total_bytes: nullableInt,
        created_at: str,
        updated_at: nullableStr,
      }),
    ),
  }),
);
