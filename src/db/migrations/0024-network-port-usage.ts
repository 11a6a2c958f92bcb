import type { Kysely, Migration } from 'kysely';
import { PostgresAdapter, sql } from 'kysely';

/**
 * How many ports each project has, kept by triggers in the same transaction as every change
 * to `ports` (as 0005 keeps compute's usage), so the port quota check reads one row instead
 * of counting the project's ports: that count grew with every port and ran twice per
 * server boot. Neutron keeps the same figure in its `quotausages` table.
 *
 * Also indexes addresses by network: a long port list reads its addresses by network, and
 * compute asks who holds an address on a network; both scanned every allocation.
 */
export const networkPortUsageMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('network_port_usage')
      .addColumn('project_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('ports', 'integer', (c) => c.notNull())
      .execute();
    await sql`
      INSERT INTO network_port_usage (project_id, ports)
      SELECT project_id, count(*) FROM ports GROUP BY project_id`.execute(db);
    await db.schema
      .createIndex('network_ip_allocations_network')
      .on('network_ip_allocations')
      .columns(['network_id', 'ip_address'])
      .execute();
    if (db.getExecutor().adapter instanceof PostgresAdapter) await postgresTriggers(db);
    else await sqliteTriggers(db);
  },
};

/** Adds (sign 1) or takes away (sign -1) one port of `row`'s project; `row` is NEW or OLD. */
function sqliteApply(row: 'NEW' | 'OLD', sign: 1 | -1): string {
  return `
    INSERT INTO network_port_usage (project_id, ports) VALUES (${row}.project_id, ${sign})
    ON CONFLICT (project_id) DO UPDATE SET ports = ports + ${sign};`;
}

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  const triggers = [
    `CREATE TRIGGER ports_usage_insert AFTER INSERT ON ports BEGIN ${sqliteApply('NEW', 1)} END`,
    `CREATE TRIGGER ports_usage_delete AFTER DELETE ON ports BEGIN ${sqliteApply('OLD', -1)} END`,
    `CREATE TRIGGER ports_usage_update AFTER UPDATE OF project_id ON ports
     WHEN OLD.project_id <> NEW.project_id
     BEGIN ${sqliteApply('OLD', -1)} ${sqliteApply('NEW', 1)} END`,
  ];
  for (const t of triggers) await sql.raw(t).execute(db);
}

async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `CREATE FUNCTION network_port_usage_apply(p varchar, n integer) RETURNS void AS $$
       BEGIN
         INSERT INTO network_port_usage (project_id, ports) VALUES (p, n)
         ON CONFLICT (project_id) DO UPDATE SET ports = network_port_usage.ports + n;
       END $$ LANGUAGE plpgsql`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE FUNCTION ports_usage_trigger() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND OLD.project_id = NEW.project_id THEN RETURN NULL; END IF;
         IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM network_port_usage_apply(OLD.project_id, -1); END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM network_port_usage_apply(NEW.project_id, 1); END IF;
         RETURN NULL;
       END $$ LANGUAGE plpgsql`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER ports_usage AFTER INSERT OR DELETE OR UPDATE OF project_id
       ON ports FOR EACH ROW EXECUTE FUNCTION ports_usage_trigger()`,
    )
    .execute(db);
}
