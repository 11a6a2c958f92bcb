import type { Kysely, Migration } from 'kysely';
import { PostgresAdapter } from 'kysely';

/**
 * Block storage, third slice: backups (chunked copies in a second directory), volume
 * transfers between projects, and QoS specs associated with volume types.
 */
export const volumeBackupsTransfersQosMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('volume_backups')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('volume_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('name', 'varchar(255)')
      .addColumn('description', 'varchar(255)')
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('object_count', 'integer', (c) => c.notNull())
      .addColumn('container', 'varchar(255)')
      .addColumn('availability_zone', 'varchar(255)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('fail_reason', 'varchar(255)')
      .addColumn('parent_id', 'varchar(36)')
      .addColumn('snapshot_id', 'varchar(36)')
      .addColumn('data_timestamp', 'varchar(32)', (c) => c.notNull())
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('restore_volume_id', 'varchar(36)')
      .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)')
      .execute();
    await db.schema.createIndex('volume_backups_volume').on('volume_backups').column('volume_id').execute();
    await db.schema
      .createIndex('volume_backups_project')
      .on('volume_backups')
      .columns(['project_id', 'created_at'])
      .execute();
    await db.schema
      .createTable('volume_transfers')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('volume_id', 'varchar(36)', (c) => c.notNull().unique())
      .addColumn('source_project_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('name', 'varchar(255)')
      .addColumn('salt', 'varchar(32)', (c) => c.notNull())
      .addColumn('crypt_hash', 'varchar(128)', (c) => c.notNull())
      .addColumn('no_snapshots', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('qos_specs')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
      .addColumn('consumer', 'varchar(16)', (c) => c.notNull())
      .addColumn('specs', 'text', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('volume_types').addColumn('qos_specs_id', 'varchar(36)').execute();
    // 'awaiting-transfer' is 17 characters; SQLite does not enforce varchar lengths.
    if (db.getExecutor().adapter instanceof PostgresAdapter)
      await db.schema
        .alterTable('volumes')
        .alterColumn('status', (c) => c.setDataType('varchar(32)'))
        .execute();
  },
};
