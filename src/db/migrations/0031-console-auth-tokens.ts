import type { Kysely, Migration } from 'kysely';

/**
 * Nova's console_auth_tokens: a remote console's one-time token, kept only as its SHA-256
 * hash, scoped to one server and valid until `expires` (ISO-8601 UTC).
 */
export const consoleAuthTokensMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('console_auth_tokens')
      .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('console_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('instance_uuid', 'varchar(36)', (c) => c.notNull())
      .addColumn('host', 'varchar(255)', (c) => c.notNull())
      .addColumn('expires', 'varchar(32)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('console_auth_tokens_expires_idx')
      .on('console_auth_tokens')
      .column('expires')
      .execute();
  },
};
