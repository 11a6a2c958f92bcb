import type { Kysely, Migration } from 'kysely';

/** Keystone's local_user failed_auth_count/failed_auth_at: what lockout_failure_attempts counts. */
export const userLockoutMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('users')
      .addColumn('failed_auth_count', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('users').addColumn('failed_auth_at', 'text').execute();
  },
};
