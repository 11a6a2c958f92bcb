import type { Kysely, Migration } from 'kysely';

/** compute tables (filled in by the compute service work). */
export const computeMigration: Migration = {
  async up(_db: Kysely<unknown>) {},
};
