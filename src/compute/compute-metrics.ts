import { sql } from 'kysely';
import type { ScrapedGauge } from '../common/metrics/cloud-metrics.js';
import type { StrataDb } from '../db/database.js';

/**
 * Servers by vm_state and by the driver of the host they are on (`none` before a host is
 * chosen), counted in one grouped query at scrape time so the figure cannot drift.
 */
export function workloadsGauge(store: StrataDb): ScrapedGauge {
  return {
    name: 'strata_workloads',
    help: 'Servers that exist, by vm_state and by the driver of their host.',
    labelNames: ['state', 'driver'],
    collect: async () => {
      const rows = await store.db
        .selectFrom('servers as s')
        .leftJoin('compute_hosts as h', 'h.hostname', 's.host')
        .where('s.deleted_at', 'is', null)
        .select(['s.vm_state as state', sql<string>`coalesce(h.driver, 'none')`.as('driver')])
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .groupBy(['s.vm_state', sql`coalesce(h.driver, 'none')`])
        .execute();
      return rows.map((r) => ({ labels: { state: r.state, driver: r.driver }, value: Number(r.n) }));
    },
  };
}
