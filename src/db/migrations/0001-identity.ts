import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/** Identity (Keystone) tables and token keys. Types chosen to mean the same on SQLite and PostgreSQL. */
export const identityMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('domains')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('projects')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('domain_id', 'varchar(64)', (c) => c.notNull().references('domains.id'))
      .addColumn('parent_id', 'varchar(64)', (c) => c.references('projects.id'))
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addUniqueConstraint('projects_domain_name', ['domain_id', 'name'])
      .execute();
    await db.schema.createIndex('projects_parent').on('projects').column('parent_id').execute();
    await db.schema
      .createTable('users')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('domain_id', 'varchar(64)', (c) => c.notNull().references('domains.id'))
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('password_created_at', 'varchar(32)')
      .addColumn('default_project_id', 'varchar(64)')
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addUniqueConstraint('users_domain_name', ['domain_id', 'name'])
      .execute();
    await db.schema
      .createTable('groups')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('domain_id', 'varchar(64)', (c) => c.notNull().references('domains.id'))
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addUniqueConstraint('groups_domain_name', ['domain_id', 'name'])
      .execute();
    await db.schema
      .createTable('user_group_memberships')
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('group_id', 'varchar(64)', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('user_group_memberships_pk', ['user_id', 'group_id'])
      .execute();
    await db.schema
      .createIndex('user_group_memberships_group')
      .on('user_group_memberships')
      .column('group_id')
      .execute();
    await db.schema
      .createTable('roles')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('domain_id', 'varchar(64)')
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    // NULL domain means global; both databases treat NULLs as distinct in plain unique keys.
    await sql`CREATE UNIQUE INDEX roles_name_domain ON roles (name, COALESCE(domain_id, ''))`.execute(db);
    await db.schema
      .createTable('implied_roles')
      .addColumn('prior_role_id', 'varchar(64)', (c) =>
        c.notNull().references('roles.id').onDelete('cascade'),
      )
      .addColumn('implied_role_id', 'varchar(64)', (c) =>
        c.notNull().references('roles.id').onDelete('cascade'),
      )
      .addPrimaryKeyConstraint('implied_roles_pk', ['prior_role_id', 'implied_role_id'])
      .execute();
    await db.schema
      .createTable('role_assignments')
      .addColumn('type', 'varchar(16)', (c) => c.notNull())
      .addColumn('actor_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('target_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('role_id', 'varchar(64)', (c) => c.notNull().references('roles.id').onDelete('cascade'))
      .addColumn('inherited', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('role_assignments_pk', [
        'type',
        'actor_id',
        'target_id',
        'role_id',
        'inherited',
      ])
      .execute();
    await db.schema
      .createIndex('role_assignments_actor')
      .on('role_assignments')
      .columns(['actor_id', 'target_id'])
      .execute();
    await db.schema
      .createIndex('role_assignments_target')
      .on('role_assignments')
      .column('target_id')
      .execute();
    await db.schema
      .createTable('application_credentials')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('expires_at', 'varchar(32)')
      .addColumn('unrestricted', 'integer', (c) => c.notNull())
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('access_rules', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addUniqueConstraint('application_credentials_user_name', ['user_id', 'name'])
      .execute();
    await db.schema
      .createTable('regions')
      .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('parent_region_id', 'varchar(255)', (c) => c.references('regions.id'))
      .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema
      .createTable('services')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('type', 'varchar(255)', (c) => c.notNull())
      .addColumn('name', 'varchar(255)', (c) => c.notNull().defaultTo(''))
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema
      .createTable('endpoints')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('service_id', 'varchar(64)', (c) =>
        c.notNull().references('services.id').onDelete('cascade'),
      )
      .addColumn('region_id', 'varchar(255)', (c) => c.references('regions.id'))
      .addColumn('interface', 'varchar(8)', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema
      .createTable('revocation_events')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)')
      .addColumn('project_id', 'varchar(64)')
      .addColumn('domain_id', 'varchar(64)')
      .addColumn('audit_id', 'varchar(32)')
      .addColumn('issued_before', 'varchar(32)', (c) => c.notNull())
      .addColumn('revoked_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('revocation_events_audit')
      .on('revocation_events')
      .column('audit_id')
      .execute();
    await db.schema.createIndex('revocation_events_user').on('revocation_events').column('user_id').execute();
    await db.schema
      .createTable('token_keys')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
  },
};
