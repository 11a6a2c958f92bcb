import type { Kysely, Migration } from 'kysely';
import { PostgresAdapter, sql } from 'kysely';

/**
 * Nova shows a key pair's integer row `id` (GET /os-keypairs/{name}). The table is rebuilt
 * with an id the database assigns on insert and never reuses (SQLite AUTOINCREMENT, a
 * PostgreSQL identity); a column cannot be added as either. Existing pairs are numbered in
 * the order they were created. (user_id, name) stays unique: it is how the API names a pair.
 */
export const keypairIdsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await db.schema
      .createTable('keypairs_numbered')
      .addColumn('id', 'integer', (c) =>
        postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
      )
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('type', 'varchar(8)', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'varchar(128)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addUniqueConstraint('keypairs_user_name', ['user_id', 'name'])
      .execute();
    // Ids follow the sorted rows: both databases number an ordered insert-select in order.
    await sql`
      insert into keypairs_numbered (user_id, name, type, public_key, fingerprint, created_at)
      select user_id, name, type, public_key, fingerprint, created_at from keypairs
      order by created_at, user_id, name`.execute(db);
    await db.schema.dropTable('keypairs').execute();
    await db.schema.alterTable('keypairs_numbered').renameTo('keypairs').execute();
  },
};
