import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';

const text = (c: ColumnDefinitionBuilder) => c.notNull();

/**
 * Routers and floating IPs (Neutron's router extension). The unique (fixed_port_id,
 * fixed_ip_address) keeps one fixed IP to one floating IP, also under concurrent updates.
 */
export const routersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('routers')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('project_id', 'varchar(255)', text)
      .addColumn('name', 'varchar(255)', text)
      .addColumn('description', 'varchar(255)', text)
      .addColumn('admin_state_up', 'integer', text)
      .addColumn('status', 'varchar(16)', text)
      .addColumn('gw_port_id', 'varchar(36)')
      .addColumn('enable_snat', 'integer', text)
      .addColumn('routes', 'text', text)
      .addColumn('tags', 'text', text)
      .addColumn('revision_number', 'integer', text)
      .addColumn('created_at', 'varchar(32)', text)
      .addColumn('updated_at', 'varchar(32)', text)
      .execute();
    await db.schema.createIndex('routers_project').on('routers').column('project_id').execute();
    await db.schema
      .createTable('floatingips')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('project_id', 'varchar(255)', text)
      .addColumn('description', 'varchar(255)', text)
      .addColumn('floating_network_id', 'varchar(36)', (c) => c.notNull().references('networks.id'))
      .addColumn('floating_port_id', 'varchar(36)', text)
      .addColumn('floating_ip_address', 'varchar(64)', text)
      .addColumn('router_id', 'varchar(36)')
      .addColumn('fixed_port_id', 'varchar(36)')
      .addColumn('fixed_ip_address', 'varchar(64)')
      .addColumn('status', 'varchar(16)', text)
      .addColumn('tags', 'text', text)
      .addColumn('revision_number', 'integer', text)
      .addColumn('created_at', 'varchar(32)', text)
      .addColumn('updated_at', 'varchar(32)', text)
      .addUniqueConstraint('floatingips_fixed', ['fixed_port_id', 'fixed_ip_address'])
      .execute();
    await db.schema.createIndex('floatingips_project').on('floatingips').column('project_id').execute();
    await db.schema.createIndex('floatingips_router').on('floatingips').column('router_id').execute();
  },
};
