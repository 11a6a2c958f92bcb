import type { Kysely, Migration } from 'kysely';

/**
 * NBD exports of volumes to other hosts: the desired side, one row per attachment whose
 * consumer is not on the volume backend's host. The export reconciler makes the export
 * server match these rows (and drops rows whose attachment is gone).
 */
export const volumeExportsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('volume_exports')
      .addColumn('attachment_id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('volume_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('export_name', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('host', 'varchar(255)', (c) => c.notNull())
      .addColumn('read_only', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('volume_exports_volume').on('volume_exports').column('volume_id').execute();
  },
};
