import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * Block storage, second slice: volume types (extra specs, private types' project access),
 * snapshots, and a volume's origin (snapshot or source volume). Existing volumes move to
 * the `__DEFAULT__` type made here, as Cinder's own migration creates it.
 */
export const volumeTypesSnapshotsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('volume_types')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
      .addColumn('description', 'varchar(255)')
      .addColumn('is_public', 'integer', (c) => c.notNull())
      .addColumn('extra_specs', 'text', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('volume_type_projects')
      .addColumn('volume_type_id', 'varchar(36)', (c) =>
        c.notNull().references('volume_types.id').onDelete('cascade'),
      )
      .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
      .addPrimaryKeyConstraint('volume_type_projects_pk', ['volume_type_id', 'project_id'])
      .execute();
    await db.schema
      .createTable('volume_snapshots')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('volume_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('name', 'varchar(255)')
      .addColumn('description', 'varchar(255)')
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)')
      .execute();
    await db.schema
      .createIndex('volume_snapshots_volume')
      .on('volume_snapshots')
      .column('volume_id')
      .execute();
    await db.schema
      .createIndex('volume_snapshots_project')
      .on('volume_snapshots')
      .columns(['project_id', 'created_at'])
      .execute();
    await db.schema.alterTable('volumes').addColumn('volume_type_id', 'varchar(36)').execute();
    await db.schema.alterTable('volumes').addColumn('snapshot_id', 'varchar(36)').execute();
    await db.schema.alterTable('volumes').addColumn('source_volid', 'varchar(36)').execute();
    const defaultId = crypto.randomUUID();
    await sql`insert into volume_types (id, name, description, is_public, extra_specs, created_at)
      values (${defaultId}, '__DEFAULT__', 'Default Volume Type', 1, '{}', ${new Date().toISOString()})`.execute(
      db,
    );
    await sql`update volumes set volume_type_id = ${defaultId}`.execute(db);
    await db.schema.alterTable('volumes').dropColumn('volume_type').execute();
  },
};
