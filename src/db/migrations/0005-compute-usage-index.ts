import type { Kysely, Migration } from 'kysely';

/**
 * Quota checks count a project's live servers on every create: with the sizes in the
 * index the count and sums never touch the table rows.
 */
export const computeUsageIndexMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('servers_project_usage')
      .on('servers')
      .columns(['project_id', 'deleted_at', 'vcpus', 'memory_mb'])
      .execute();
  },
};
