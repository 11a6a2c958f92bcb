import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';

const text = (c: ColumnDefinitionBuilder) => c.notNull();

/**
 * Neutron's address groups (address-group extension): a named list of CIDRs that a security
 * group rule names as its remote end (`remote_address_group_id`). An address is a row of its
 * own, as Neutron's address_associations, so adding or removing one is one insert or delete.
 */
export const addressGroupsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('address_groups')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('project_id', 'varchar(255)', text)
      .addColumn('name', 'varchar(255)', text)
      .addColumn('description', 'varchar(1024)', text)
      .execute();
    await db.schema.createIndex('address_groups_project').on('address_groups').column('project_id').execute();
    await db.schema
      .createTable('address_group_addresses')
      .addColumn('address_group_id', 'varchar(36)', (c) =>
        c.notNull().references('address_groups.id').onDelete('cascade'),
      )
      .addColumn('address', 'varchar(64)', text)
      .addPrimaryKeyConstraint('address_group_addresses_pk', ['address_group_id', 'address'])
      .execute();
    await db.schema
      .alterTable('security_group_rules')
      .addColumn('remote_address_group_id', 'varchar(36)')
      .execute();
    await db.schema
      .createIndex('security_group_rules_remote_address_group')
      .on('security_group_rules')
      .column('remote_address_group_id')
      .execute();
  },
};
