import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';

const text = (c: ColumnDefinitionBuilder) => c.notNull();

/**
 * Address scopes and subnet pools (Neutron's address-scope and subnet_allocation
 * extensions), and the pool a subnet was allocated from. A subnet pool's row is what
 * concurrent allocations from it serialise on, so two subnets never get one prefix.
 */
export const subnetPoolsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('address_scopes')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('project_id', 'varchar(255)', text)
      .addColumn('name', 'varchar(255)', text)
      .addColumn('shared', 'integer', text)
      .addColumn('ip_version', 'integer', text)
      .execute();
    await db.schema.createIndex('address_scopes_project').on('address_scopes').column('project_id').execute();
    await db.schema
      .createTable('subnetpools')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('project_id', 'varchar(255)', text)
      .addColumn('name', 'varchar(255)', text)
      .addColumn('description', 'varchar(255)', text)
      .addColumn('ip_version', 'integer', text)
      .addColumn('default_prefixlen', 'integer', text)
      .addColumn('min_prefixlen', 'integer', text)
      .addColumn('max_prefixlen', 'integer', text)
      .addColumn('default_quota', 'integer')
      .addColumn('address_scope_id', 'varchar(36)')
      .addColumn('shared', 'integer', text)
      .addColumn('is_default', 'integer', text)
      .addColumn('prefixes', 'text', text)
      .addColumn('tags', 'text', text)
      .addColumn('revision_number', 'integer', text)
      .addColumn('created_at', 'varchar(32)', text)
      .addColumn('updated_at', 'varchar(32)', text)
      .execute();
    await db.schema.createIndex('subnetpools_project').on('subnetpools').column('project_id').execute();
    await db.schema
      .createIndex('subnetpools_address_scope')
      .on('subnetpools')
      .column('address_scope_id')
      .execute();
    await db.schema.alterTable('subnets').addColumn('subnetpool_id', 'varchar(36)').execute();
    await db.schema.createIndex('subnets_subnetpool').on('subnets').column('subnetpool_id').execute();
  },
};
