import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

const text = (c: ColumnDefinitionBuilder) => c.notNull();

/**
 * Network RBAC (Neutron's networkrbacs) and auto-allocated topologies. A network's
 * `shared` flag stays as the fast path of visibility and means "a wildcard
 * access_as_shared policy exists"; `external` means "some access_as_external policy
 * exists". Existing shared and external networks get their wildcard policies here.
 */
export const networkRbacMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('network_rbac_policies')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('project_id', 'varchar(255)', text)
      .addColumn('object_id', 'varchar(36)', (c) => c.notNull().references('networks.id'))
      .addColumn('action', 'varchar(255)', text)
      .addColumn('target_project', 'varchar(255)', text)
      .addColumn('created_at', 'varchar(32)', text)
      .addUniqueConstraint('network_rbac_unique', ['object_id', 'action', 'target_project'])
      .execute();
    await db.schema
      .createIndex('network_rbac_target')
      .on('network_rbac_policies')
      .columns(['target_project', 'object_id'])
      .execute();
    await db.schema
      .alterTable('networks')
      .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('auto_allocated_topologies')
      .addColumn('project_id', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('network_id', 'varchar(36)', text)
      .addColumn('router_id', 'varchar(36)')
      .addColumn('created_at', 'varchar(32)', text)
      .execute();
    await backfill(db, 'shared', 'access_as_shared');
    await backfill(db, 'external', 'access_as_external');
  },
};

/** One wildcard policy per flagged network; its id is derived so the step is repeatable. */
async function backfill(db: Kysely<unknown>, column: string, action: string): Promise<void> {
  const rows = await sql<{ id: string; project_id: string; created_at: string }>`
    select id, project_id, created_at from networks where ${sql.ref(column)} = 1`.execute(db);
  for (const r of rows.rows)
    await sql`insert into network_rbac_policies (id, project_id, object_id, action, target_project, created_at)
      values (${wildcardId(r.id, action)}, ${r.project_id}, ${r.id}, ${action}, '*', ${r.created_at})`.execute(
      db,
    );
}

/** A stable uuid-shaped id for a backfilled policy (v4 layout, from the network id). */
function wildcardId(networkId: string, action: string): string {
  const hex = networkId.replace(/-/g, '').padEnd(32, '0');
  const tail = action === 'access_as_shared' ? 'a' : 'b';
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${tail}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
