import type { ScrapedGauge } from '../common/metrics/cloud-metrics.js';
import type { StrataDb } from './database.js';

/** The PostgreSQL pool's connections by state; nothing on SQLite, which has no pool. */
export function dbPoolGauge(store: StrataDb): ScrapedGauge {
  return {
    name: 'strata_db_pool_connections',
    help: 'Database pool connections by state (total, idle, waiting clients); PostgreSQL only.',
    labelNames: ['state'],
    collect: async () => {
      const s = store.poolStats();
      if (s === undefined) return [];
      return [
        { labels: { state: 'total' }, value: s.total },
        { labels: { state: 'idle' }, value: s.idle },
        { labels: { state: 'waiting' }, value: s.waiting },
      ];
    },
  };
}
