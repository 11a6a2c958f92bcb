import type { Kysely, Migration } from 'kysely';
import { PostgresAdapter, sql } from 'kysely';

/**
 * What a project's live servers add up to (instances, cores, ram), kept by triggers in the
 * same transaction as every change to `servers`, so a quota check reads one row instead
 * of counting every server. It says exactly what the count over `servers` said: rows with
 * no `deleted_at`, with their current size.
 */
export const computeProjectUsageMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('compute_project_usage')
      .addColumn('project_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('instances', 'integer', (c) => c.notNull())
      .addColumn('cores', 'integer', (c) => c.notNull())
      .addColumn('ram', 'integer', (c) => c.notNull())
      .execute();
    await sql`
      INSERT INTO compute_project_usage (project_id, instances, cores, ram)
      SELECT project_id, count(*), coalesce(sum(vcpus), 0), coalesce(sum(memory_mb), 0)
      FROM servers WHERE deleted_at IS NULL GROUP BY project_id`.execute(db);
    if (db.getExecutor().adapter instanceof PostgresAdapter) await postgresTriggers(db);
    else await sqliteTriggers(db);
  },
};

/** Adds (sign 1) or takes away (sign -1) one server row's share; `row` is NEW or OLD. */
function sqliteApply(row: 'NEW' | 'OLD', sign: 1 | -1): string {
  return `
    INSERT INTO compute_project_usage (project_id, instances, cores, ram)
    VALUES (${row}.project_id, ${sign}, ${sign} * ${row}.vcpus, ${sign} * ${row}.memory_mb)
    ON CONFLICT (project_id) DO UPDATE SET
      instances = instances + ${sign},
      cores = cores + ${sign} * ${row}.vcpus,
      ram = ram + ${sign} * ${row}.memory_mb;`;
}

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `CREATE TRIGGER servers_usage_insert AFTER INSERT ON servers WHEN NEW.deleted_at IS NULL
       BEGIN ${sqliteApply('NEW', 1)} END`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER servers_usage_delete AFTER DELETE ON servers WHEN OLD.deleted_at IS NULL
       BEGIN ${sqliteApply('OLD', -1)} END`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER servers_usage_update_old AFTER UPDATE OF project_id, vcpus, memory_mb, deleted_at ON servers
       WHEN OLD.deleted_at IS NULL BEGIN ${sqliteApply('OLD', -1)} END`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER servers_usage_update_new AFTER UPDATE OF project_id, vcpus, memory_mb, deleted_at ON servers
       WHEN NEW.deleted_at IS NULL BEGIN ${sqliteApply('NEW', 1)} END`,
    )
    .execute(db);
}

async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `CREATE FUNCTION compute_project_usage_apply(p varchar, n integer, c integer, r integer) RETURNS void AS $$
       BEGIN
         INSERT INTO compute_project_usage (project_id, instances, cores, ram) VALUES (p, n, c, r)
         ON CONFLICT (project_id) DO UPDATE SET
           instances = compute_project_usage.instances + n,
           cores = compute_project_usage.cores + c,
           ram = compute_project_usage.ram + r;
       END $$ LANGUAGE plpgsql`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE FUNCTION servers_usage_trigger() RETURNS trigger AS $$
       BEGIN
         IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL THEN
           PERFORM compute_project_usage_apply(OLD.project_id, -1, -OLD.vcpus, -OLD.memory_mb);
         END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.deleted_at IS NULL THEN
           PERFORM compute_project_usage_apply(NEW.project_id, 1, NEW.vcpus, NEW.memory_mb);
         END IF;
         RETURN NULL;
       END $$ LANGUAGE plpgsql`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER servers_usage AFTER INSERT OR DELETE OR UPDATE OF project_id, vcpus, memory_mb, deleted_at
       ON servers FOR EACH ROW EXECUTE FUNCTION servers_usage_trigger()`,
    )
    .execute(db);
}
