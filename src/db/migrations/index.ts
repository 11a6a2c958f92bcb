import type { Migration, MigrationProvider } from 'kysely';
import { identityMigration } from './0001-identity.js';

/** Append-only: never edit a migration that has shipped; add the next number. */
export const migrations: Readonly<Record<`${number}-${string}`, Migration>> = {
  '0001-identity': identityMigration,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
