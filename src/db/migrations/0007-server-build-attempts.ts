import type { Kysely, Migration } from 'kysely';

/**
 * Each host a server's build was placed on, in order (Nova's retry.hosts), so a reschedule
 * excludes the hosts that failed it and counts attempts against max_attempts even after a
 * restart. JSON text, '[]' for servers that were never placed.
 */
export const serverBuildAttemptsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('servers')
      .addColumn('build_attempts', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
  },
};
