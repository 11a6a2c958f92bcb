import type { Kysely, Migration } from 'kysely';

/**
 * NICs and disks of servers, each a persisted attach/detach task (desired side from the
 * owning service, status from the host agent, compare-and-set on generation), so a crash
 * mid-attach resumes instead of leaving a device half attached.
 */
export const serverDevicesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('server_devices')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('server_id', 'varchar(36)', (c) => c.notNull().references('servers.id').onDelete('cascade'))
      .addColumn('kind', 'varchar(8)', (c) => c.notNull())
      .addColumn('device_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('desired', 'varchar(16)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('fault', 'text')
      .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .addUniqueConstraint('server_devices_device', ['server_id', 'kind', 'device_id'])
      .execute();
  },
};
