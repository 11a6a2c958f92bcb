import type { Kysely, Migration } from 'kysely';

/**
 * The ports compute put on each server, as Nova's network info cache remembers them: which
 * network, and whether the port was the user's (kept, only unbound, when the server goes)
 * or compute's own (deleted with the server). Read by delete, os-interface and the view.
 */
export const serverPortsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('server_ports')
      .addColumn('server_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('port_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('network_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('preserve_on_delete', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('server_ports_pk', ['server_id', 'port_id'])
      .execute();
    await db.schema.createIndex('server_ports_port').on('server_ports').column('port_id').execute();
  },
};
