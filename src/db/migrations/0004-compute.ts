import type { Kysely, Migration } from 'kysely';

/** Compute (Nova) tables and the host agent's registry. */
export const computeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('flavors')
      .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
      .addColumn('vcpus', 'integer', (c) => c.notNull())
      .addColumn('ram', 'integer', (c) => c.notNull())
      .addColumn('disk', 'integer', (c) => c.notNull())
      .addColumn('ephemeral', 'integer', (c) => c.notNull())
      .addColumn('swap', 'integer', (c) => c.notNull())
      .addColumn('rxtx_factor', 'real', (c) => c.notNull())
      .addColumn('is_public', 'integer', (c) => c.notNull())
      .addColumn('disabled', 'integer', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('extra_specs', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('flavor_projects')
      .addColumn('flavor_id', 'varchar(255)', (c) => c.notNull().references('flavors.id').onDelete('cascade'))
      .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
      .addPrimaryKeyConstraint('flavor_projects_pk', ['flavor_id', 'project_id'])
      .execute();
    await db.schema
      .createTable('keypairs')
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('type', 'varchar(8)', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'varchar(128)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('keypairs_pk', ['user_id', 'name'])
      .execute();
    await createServers(db);
    await createActions(db);
    await db.schema
      .createTable('server_groups')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('policy', 'varchar(32)', (c) => c.notNull())
      .addColumn('rules', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('server_group_members')
      .addColumn('group_id', 'varchar(36)', (c) =>
        c.notNull().references('server_groups.id').onDelete('cascade'),
      )
      .addColumn('server_id', 'varchar(36)', (c) => c.notNull())
      .addPrimaryKeyConstraint('server_group_members_pk', ['group_id', 'server_id'])
      .execute();
    await createHosts(db);
    await db.schema
      .createTable('compute_quotas')
      .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('resource', 'varchar(64)', (c) => c.notNull())
      .addColumn('hard_limit', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('compute_quotas_pk', ['project_id', 'resource'])
      .execute();
    await db.schema
      .createTable('migrations')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('uuid', 'varchar(36)', (c) => c.notNull().unique())
      .addColumn('server_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('migration_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('status', 'varchar(32)', (c) => c.notNull())
      .addColumn('source_compute', 'varchar(255)')
      .addColumn('dest_compute', 'varchar(255)')
      .addColumn('old_flavor_id', 'varchar(255)', (c) => c.notNull())
      .addColumn('new_flavor_id', 'varchar(255)', (c) => c.notNull())
      .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
  },
};

async function createServers(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('servers')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('hostname', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('flavor', 'text', (c) => c.notNull())
    .addColumn('flavor_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('vcpus', 'integer', (c) => c.notNull())
    .addColumn('memory_mb', 'integer', (c) => c.notNull())
    .addColumn('root_gb', 'integer', (c) => c.notNull())
    .addColumn('image_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('key_name', 'varchar(255)')
    .addColumn('key_data', 'text')
    .addColumn('user_data', 'text')
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('networks', 'text', (c) => c.notNull().defaultTo('"auto"'))
    .addColumn('availability_zone', 'varchar(255)')
    .addColumn('config_drive', 'integer', (c) => c.notNull())
    .addColumn('access_ipv4', 'varchar(64)', (c) => c.notNull().defaultTo(''))
    .addColumn('access_ipv6', 'varchar(64)', (c) => c.notNull().defaultTo(''))
    .addColumn('reservation_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('launch_index', 'integer', (c) => c.notNull())
    .addColumn('server_group_id', 'varchar(36)')
    .addColumn('vm_state', 'varchar(32)', (c) => c.notNull())
    .addColumn('task_state', 'varchar(32)')
    .addColumn('power_state', 'integer', (c) => c.notNull())
    .addColumn('desired_power', 'varchar(16)', (c) => c.notNull())
    .addColumn('observed_power', 'varchar(16)')
    .addColumn('observed_at', 'varchar(32)')
    .addColumn('observed_reason', 'text')
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('host', 'varchar(255)')
    .addColumn('node', 'varchar(255)')
    .addColumn('scheduling', 'text')
    .addColumn('locked', 'integer', (c) => c.notNull())
    .addColumn('locked_by', 'varchar(8)')
    .addColumn('locked_reason', 'text')
    .addColumn('fault', 'text')
    .addColumn('new_flavor', 'text')
    .addColumn('old_flavor', 'text')
    .addColumn('pending_image_id', 'varchar(36)')
    .addColumn('workload_handle', 'text')
    .addColumn('launched_at', 'varchar(32)')
    .addColumn('terminated_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('deleted_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('servers_project')
    .on('servers')
    .columns(['project_id', 'created_at'])
    .execute();
  await db.schema.createIndex('servers_host').on('servers').columns(['host', 'task_state']).execute();
  await db.schema.createIndex('servers_task').on('servers').column('task_state').execute();
  await db.schema.createIndex('servers_updated').on('servers').column('updated_at').execute();
  await db.schema.createIndex('servers_created').on('servers').columns(['created_at', 'id']).execute();
}

async function createActions(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('instance_actions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('server_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('request_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('action', 'varchar(32)', (c) => c.notNull())
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('start_time', 'varchar(32)', (c) => c.notNull())
    .addColumn('finish_time', 'varchar(32)')
    .addColumn('message', 'text')
    .execute();
  await db.schema
    .createIndex('instance_actions_server')
    .on('instance_actions')
    .columns(['server_id', 'start_time'])
    .execute();
  await db.schema
    .createTable('instance_action_events')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('action_id', 'varchar(36)', (c) =>
      c.notNull().references('instance_actions.id').onDelete('cascade'),
    )
    .addColumn('event', 'varchar(64)', (c) => c.notNull())
    .addColumn('start_time', 'varchar(32)', (c) => c.notNull())
    .addColumn('finish_time', 'varchar(32)')
    .addColumn('result', 'varchar(16)')
    .addColumn('host', 'varchar(255)')
    .addColumn('details', 'text')
    .execute();
  await db.schema
    .createIndex('instance_action_events_action')
    .on('instance_action_events')
    .column('action_id')
    .execute();
}

async function createHosts(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('compute_hosts')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('hostname', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('driver', 'varchar(32)', (c) => c.notNull())
    .addColumn('availability_zone', 'varchar(255)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('disabled_reason', 'text')
    .addColumn('forced_down', 'integer', (c) => c.notNull())
    .addColumn('last_heartbeat', 'varchar(32)', (c) => c.notNull())
    .addColumn('provider_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('vcpus', 'integer', (c) => c.notNull())
    .addColumn('memory_mb', 'integer', (c) => c.notNull())
    .addColumn('local_gb', 'integer', (c) => c.notNull())
    .addColumn('facts', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
}
