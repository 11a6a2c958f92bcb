import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';

const required = (c: ColumnDefinitionBuilder) => c.notNull();

/**
 * Neutron security groups. `default_security_groups` has the project as its primary key,
 * which is what keeps a project at one `default` group under concurrent first use (as
 * Neutron's table of the same name). Port bindings are rows so the dataplane can ask for
 * a port's rules and a delete can see whether a group is in use.
 */
export const securityGroupsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('security_groups')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('project_id', 'varchar(255)', required)
      .addColumn('name', 'varchar(255)', required)
      .addColumn('description', 'varchar(255)', required)
      .addColumn('stateful', 'integer', required)
      .addColumn('tags', 'text', required)
      .addColumn('revision_number', 'integer', required)
      .addColumn('created_at', 'varchar(32)', required)
      .addColumn('updated_at', 'varchar(32)', required)
      .execute();
    await db.schema
      .createIndex('security_groups_project')
      .on('security_groups')
      .column('project_id')
      .execute();
    await db.schema
      .createTable('default_security_groups')
      .addColumn('project_id', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('security_group_id', 'varchar(36)', (c) =>
        c.notNull().references('security_groups.id').onDelete('cascade'),
      )
      .execute();
    await createRules(db);
    await db.schema
      .createTable('port_security_group_bindings')
      .addColumn('port_id', 'varchar(36)', (c) => c.notNull().references('ports.id').onDelete('cascade'))
      .addColumn('security_group_id', 'varchar(36)', (c) => c.notNull().references('security_groups.id'))
      .addPrimaryKeyConstraint('port_security_group_bindings_pk', ['port_id', 'security_group_id'])
      .execute();
    await db.schema
      .createIndex('port_security_group_bindings_group')
      .on('port_security_group_bindings')
      .column('security_group_id')
      .execute();
  },
};

async function createRules(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('security_group_rules')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('security_group_id', 'varchar(36)', (c) =>
      c.notNull().references('security_groups.id').onDelete('cascade'),
    )
    .addColumn('project_id', 'varchar(255)', required)
    .addColumn('direction', 'varchar(16)', required)
    .addColumn('ethertype', 'varchar(8)', required)
    .addColumn('protocol', 'varchar(40)')
    .addColumn('port_range_min', 'integer')
    .addColumn('port_range_max', 'integer')
    .addColumn('remote_ip_prefix', 'varchar(64)')
    // A group's rules naming a deleted remote group go with it, as in Neutron.
    .addColumn('remote_group_id', 'varchar(36)', (c) =>
      c.references('security_groups.id').onDelete('cascade'),
    )
    .addColumn('description', 'varchar(255)', required)
    .addColumn('revision_number', 'integer', required)
    .addColumn('created_at', 'varchar(32)', required)
    .addColumn('updated_at', 'varchar(32)', required)
    .execute();
  await db.schema
    .createIndex('security_group_rules_group')
    .on('security_group_rules')
    .column('security_group_id')
    .execute();
  await db.schema
    .createIndex('security_group_rules_project')
    .on('security_group_rules')
    .column('project_id')
    .execute();
}
