import type { Kysely, Migration } from 'kysely';

/** Block storage: volumes (files in the pool), their attachments to servers, per-project quotas. */
export const volumeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('volumes')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('name', 'varchar(255)')
      .addColumn('description', 'varchar(255)')
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('availability_zone', 'varchar(255)', (c) => c.notNull())
      .addColumn('volume_type', 'varchar(255)', (c) => c.notNull())
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)')
      .execute();
    await db.schema
      .createIndex('volumes_project')
      .on('volumes')
      .columns(['project_id', 'created_at'])
      .execute();
    await db.schema
      .createTable('volume_attachments')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('volume_id', 'varchar(36)', (c) => c.notNull().references('volumes.id').onDelete('cascade'))
      .addColumn('server_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('device', 'varchar(64)', (c) => c.notNull())
      .addColumn('attach_status', 'varchar(16)', (c) => c.notNull())
      .addColumn('host_name', 'varchar(255)')
      .addColumn('attached_at', 'varchar(32)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addUniqueConstraint('volume_attachments_volume_server', ['volume_id', 'server_id'])
      .execute();
    await db.schema
      .createTable('volume_quotas')
      .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('resource', 'varchar(255)', (c) => c.notNull())
      .addColumn('hard_limit', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('volume_quotas_pk', ['project_id', 'resource'])
      .execute();
  },
};
