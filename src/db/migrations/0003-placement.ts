import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';

/**
 * Placement tables. Standard resource classes and traits are not seeded: they are
 * constants in src/placement/standards, so a new standard name needs no migration.
 */
export const placementMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('resource_providers')
      .addColumn('uuid', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(200)', (c) => c.notNull().unique())
      .addColumn('generation', 'integer', (c) => c.notNull())
      .addColumn('parent_uuid', 'varchar(36)', (c) => c.references('resource_providers.uuid'))
      .addColumn('root_uuid', 'varchar(36)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('resource_providers_root')
      .on('resource_providers')
      .column('root_uuid')
      .execute();
    await db.schema
      .createIndex('resource_providers_parent')
      .on('resource_providers')
      .column('parent_uuid')
      .execute();
    await createProviderChildren(db);
    await createAllocations(db);
    for (const table of ['custom_resource_classes', 'custom_traits']) {
      await db.schema
        .createTable(table)
        .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
    }
  },
};

async function createProviderChildren(db: Kysely<unknown>): Promise<void> {
  const provider = (c: ColumnDefinitionBuilder) =>
    c.notNull().references('resource_providers.uuid').onDelete('cascade');
  await db.schema
    .createTable('resource_provider_inventories')
    .addColumn('provider_uuid', 'varchar(36)', provider)
    .addColumn('resource_class', 'varchar(255)', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('reserved', 'integer', (c) => c.notNull())
    .addColumn('min_unit', 'integer', (c) => c.notNull())
    .addColumn('max_unit', 'integer', (c) => c.notNull())
    .addColumn('step_size', 'integer', (c) => c.notNull())
    .addColumn('allocation_ratio', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('resource_provider_inventories_pk', ['provider_uuid', 'resource_class'])
    .execute();
  await db.schema
    .createIndex('resource_provider_inventories_class')
    .on('resource_provider_inventories')
    .column('resource_class')
    .execute();
  await db.schema
    .createTable('resource_provider_traits')
    .addColumn('provider_uuid', 'varchar(36)', provider)
    .addColumn('trait', 'varchar(255)', (c) => c.notNull())
    .addPrimaryKeyConstraint('resource_provider_traits_pk', ['provider_uuid', 'trait'])
    .execute();
  await db.schema
    .createIndex('resource_provider_traits_trait')
    .on('resource_provider_traits')
    .column('trait')
    .execute();
  await db.schema
    .createTable('resource_provider_aggregates')
    .addColumn('provider_uuid', 'varchar(36)', provider)
    .addColumn('aggregate_uuid', 'varchar(36)', (c) => c.notNull())
    .addPrimaryKeyConstraint('resource_provider_aggregates_pk', ['provider_uuid', 'aggregate_uuid'])
    .execute();
  await db.schema
    .createIndex('resource_provider_aggregates_aggregate')
    .on('resource_provider_aggregates')
    .column('aggregate_uuid')
    .execute();
}

async function createAllocations(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('consumers')
    .addColumn('uuid', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('consumer_type', 'varchar(255)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('consumers_project_user')
    .on('consumers')
    .columns(['project_id', 'user_id'])
    .execute();
  // No foreign key to providers: deleting a provider with allocations is refused in code (409).
  await db.schema
    .createTable('allocations')
    .addColumn('consumer_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('provider_uuid', 'varchar(36)', (c) => c.notNull())
    .addColumn('resource_class', 'varchar(255)', (c) => c.notNull())
    .addColumn('used', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('allocations_pk', ['consumer_id', 'provider_uuid', 'resource_class'])
    .execute();
  await db.schema
    .createIndex('allocations_provider_class')
    .on('allocations')
    .columns(['provider_uuid', 'resource_class'])
    .execute();
}
