import type { Kysely, Migration } from 'kysely';

/** image tables (filled in by the image service work). */
export const imageMigration: Migration = {
  async up(_db: Kysely<unknown>) {},
};
