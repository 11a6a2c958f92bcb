import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

const text = (c: ColumnDefinitionBuilder) => c.notNull();

/**
 * RBAC policies on security groups, address scopes, subnet pools and address groups
 * (Neutron's securitygrouprbacs, addressscoperbacs, subnetpoolrbacs, addressgrouprbacs).
 * Network policies keep their own table, whose object_id references networks. Address
 * scopes and subnet pools already `shared` get their wildcard policy here, as Neutron's
 * `shared` is "a wildcard access_as_shared policy exists".
 */
export const objectRbacMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('object_rbac_policies')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('project_id', 'varchar(255)', text)
      .addColumn('object_type', 'varchar(32)', text)
      .addColumn('object_id', 'varchar(36)', text)
      .addColumn('action', 'varchar(255)', text)
      .addColumn('target_project', 'varchar(255)', text)
      .addColumn('created_at', 'varchar(32)', text)
      .addUniqueConstraint('object_rbac_unique', ['object_id', 'action', 'target_project'])
      .execute();
    await db.schema
      .createIndex('object_rbac_target')
      .on('object_rbac_policies')
      .columns(['target_project', 'object_id'])
      .execute();
    await backfill(db, 'address_scopes', 'address_scope');
    await backfill(db, 'subnetpools', 'subnetpool');
  },
};

async function backfill(db: Kysely<unknown>, table: string, objectType: string): Promise<void> {
  const rows = await sql<{ id: string; project_id: string }>`
    select id, project_id from ${sql.table(table)} where shared = 1`.execute(db);
  for (const r of rows.rows)
    await sql`insert into object_rbac_policies
      (id, project_id, object_type, object_id, action, target_project, created_at)
      values (${wildcardId(r.id)}, ${r.project_id}, ${objectType}, ${r.id}, 'access_as_shared', '*',
        ${new Date().toISOString()})`.execute(db);
}

/** A stable uuid-shaped id for a backfilled policy (v4 layout, from the object id). */
function wildcardId(objectId: string): string {
  const hex = objectId.replace(/-/g, '').padEnd(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-c${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
