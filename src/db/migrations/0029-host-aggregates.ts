import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Host aggregates (os-aggregates) with their hosts and metadata, and the zone each host's
 * agent registered: `availability_zone` becomes the zone the host is in (its aggregates'
 * availability_zone when one has it), `registered_zone` what it falls back to.
 */
export const hostAggregatesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('aggregates')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('uuid', 'varchar(36)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)')
      .execute();
    await db.schema
      .createTable('aggregate_hosts')
      .addColumn('aggregate_id', 'integer', (c) =>
        c.notNull().references('aggregates.id').onDelete('cascade'),
      )
      .addColumn('host', 'varchar(255)', (c) => c.notNull())
      .addColumn('added_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('aggregate_hosts_pk', ['aggregate_id', 'host'])
      .execute();
    await db.schema.createIndex('aggregate_hosts_host').on('aggregate_hosts').column('host').execute();
    await db.schema
      .createTable('aggregate_metadata')
      .addColumn('aggregate_id', 'integer', (c) =>
        c.notNull().references('aggregates.id').onDelete('cascade'),
      )
      .addColumn('key', 'varchar(255)', (c) => c.notNull())
      .addColumn('value', 'varchar(255)', (c) => c.notNull())
      .addPrimaryKeyConstraint('aggregate_metadata_pk', ['aggregate_id', 'key'])
      .execute();
    await db.schema
      .alterTable('compute_hosts')
      .addColumn('registered_zone', 'varchar(255)', (c) => c.notNull().defaultTo('nova'))
      .execute();
    await sql`update compute_hosts set registered_zone = availability_zone`.execute(db);
  },
};
