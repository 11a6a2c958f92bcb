import type { Kysely, Migration } from 'kysely';

/** placement tables (filled in by the placement service work). */
export const placementMigration: Migration = {
  async up(_db: Kysely<unknown>) {},
};
