import type { Kysely, Migration } from 'kysely';

/**
 * What Cinder's admin actions set on volumes and snapshots: the volume's admin metadata
 * (`readonly`, shown in its metadata), its migration_status, and on both a mark that an
 * admin's os-reset_status set the status, so the reconcilers do no work for it (a volume
 * reset to `creating` must not have its file made again).
 */
export const volumeAdminStateMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('volumes')
      .addColumn('admin_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.alterTable('volumes').addColumn('migration_status', 'varchar(255)').execute();
    for (const table of ['volumes', 'volume_snapshots'])
      await db.schema
        .alterTable(table)
        .addColumn('status_reset', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
  },
};
