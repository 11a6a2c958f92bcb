import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

interface Rule {
  id: string;
  service: string;
  method: string;
  path: string;
}

/**
 * Keystone's access rules belong to their user, not to one application credential: a rule
 * outlives the credentials that used it until the user deletes it. Each credential keeps
 * its rules (with their ids) in `application_credentials.access_rules`; this table is the
 * user's list, filled from the credentials that exist.
 */
export const accessRulesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('access_rules')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('service', 'varchar(64)', (c) => c.notNull())
      .addColumn('method', 'varchar(16)', (c) => c.notNull())
      .addColumn('path', 'varchar(255)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('access_rules_user').on('access_rules').column('user_id').execute();
    const { rows } = await sql<{ user_id: string; access_rules: string }>`
      select user_id, access_rules from application_credentials`.execute(db);
    const seen = new Set<string>();
    for (const row of rows) {
      for (const r of JSON.parse(row.access_rules) as Rule[]) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        await sql`insert into access_rules (id, user_id, service, method, path)
          values (${r.id}, ${row.user_id}, ${r.service}, ${r.method}, ${r.path})`.execute(db);
      }
    }
  },
};
