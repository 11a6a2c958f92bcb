import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely, Migration } from 'kysely';

/**
 * Networking v2.0 tables. The address primary key (subnet_id, ip_address) and the unique
 * (network_id, mac_address) are what IPAM relies on: a losing concurrent create retries.
 */
export const networkMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await createNetworks(db);
    await createSubnets(db);
    await createPorts(db);
    await db.schema
      .createTable('network_ip_allocations')
      .addColumn('subnet_id', 'varchar(36)', (c) => c.notNull().references('subnets.id').onDelete('cascade'))
      .addColumn('ip_address', 'varchar(64)', (c) => c.notNull())
      .addColumn('port_id', 'varchar(36)', (c) => c.notNull().references('ports.id').onDelete('cascade'))
      .addColumn('network_id', 'varchar(36)', (c) => c.notNull())
      .addPrimaryKeyConstraint('network_ip_allocations_pk', ['subnet_id', 'ip_address'])
      .execute();
    await db.schema
      .createIndex('network_ip_allocations_port')
      .on('network_ip_allocations')
      .column('port_id')
      .execute();
    await db.schema
      .createTable('network_quotas')
      .addColumn('project_id', 'varchar(255)', (c) => c.notNull())
      .addColumn('resource', 'varchar(64)', (c) => c.notNull())
      .addColumn('hard_limit', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('network_quotas_pk', ['project_id', 'resource'])
      .execute();
  },
};

const text = (c: ColumnDefinitionBuilder) => c.notNull();

/** Columns every Neutron resource has: owner, name, description and the standard attributes. */
function standard<T extends string>(t: CreateTableBuilder<T>): CreateTableBuilder<T> {
  return t
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(255)', text)
    .addColumn('name', 'varchar(255)', text)
    .addColumn('description', 'varchar(255)', text)
    .addColumn('tags', 'text', text)
    .addColumn('revision_number', 'integer', text)
    .addColumn('created_at', 'varchar(32)', text)
    .addColumn('updated_at', 'varchar(32)', text);
}

async function createNetworks(db: Kysely<unknown>): Promise<void> {
  await standard(db.schema.createTable('networks'))
    .addColumn('admin_state_up', 'integer', text)
    .addColumn('shared', 'integer', text)
    .addColumn('external', 'integer', text)
    .addColumn('mtu', 'integer', text)
    .addColumn('port_security_enabled', 'integer', text)
    .addColumn('network_type', 'varchar(32)', text)
    .addColumn('physical_network', 'varchar(64)', text)
    .addColumn('segmentation_id', 'integer')
    .addColumn('availability_zone_hints', 'text', text)
    .addUniqueConstraint('networks_segment', ['network_type', 'physical_network', 'segmentation_id'])
    .execute();
  await db.schema.createIndex('networks_project').on('networks').column('project_id').execute();
}

async function createSubnets(db: Kysely<unknown>): Promise<void> {
  await standard(db.schema.createTable('subnets'))
    .addColumn('network_id', 'varchar(36)', (c) => c.notNull().references('networks.id').onDelete('cascade'))
    .addColumn('ip_version', 'integer', text)
    .addColumn('cidr', 'varchar(64)', text)
    .addColumn('gateway_ip', 'varchar(64)')
    .addColumn('enable_dhcp', 'integer', text)
    .addColumn('ipv6_ra_mode', 'varchar(16)')
    .addColumn('ipv6_address_mode', 'varchar(16)')
    .addColumn('allocation_pools', 'text', text)
    .addColumn('dns_nameservers', 'text', text)
    .addColumn('host_routes', 'text', text)
    .addColumn('service_types', 'text', text)
    .execute();
  await db.schema.createIndex('subnets_network').on('subnets').column('network_id').execute();
}

async function createPorts(db: Kysely<unknown>): Promise<void> {
  await standard(db.schema.createTable('ports'))
    .addColumn('network_id', 'varchar(36)', (c) => c.notNull().references('networks.id'))
    .addColumn('mac_address', 'varchar(32)', text)
    .addColumn('admin_state_up', 'integer', text)
    .addColumn('status', 'varchar(16)', text)
    .addColumn('device_id', 'varchar(255)', text)
    .addColumn('device_owner', 'varchar(255)', text)
    .addColumn('binding_host_id', 'varchar(255)', text)
    .addColumn('binding_vnic_type', 'varchar(64)', text)
    .addColumn('binding_vif_type', 'varchar(64)', text)
    .addColumn('binding_vif_details', 'text', text)
    .addColumn('binding_profile', 'text', text)
    .addColumn('port_security_enabled', 'integer', text)
    .addColumn('allowed_address_pairs', 'text', text)
    .addColumn('extra_dhcp_opts', 'text', text)
    .addColumn('security_groups', 'text', text)
    .addUniqueConstraint('ports_network_mac', ['network_id', 'mac_address'])
    .execute();
  await db.schema.createIndex('ports_project').on('ports').column('project_id').execute();
  await db.schema.createIndex('ports_device').on('ports').column('device_id').execute();
}
