import type { Kysely, Migration } from 'kysely';

/**
 * Where each router runs (Neutron's router-to-L3-agent binding): `routers.host`, chosen by
 * the scheduler among hosts whose dataplane can run routers, which hosts now register as
 * `compute_hosts.dataplane`. Both null until set.
 */
export const routerHostsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('routers').addColumn('host', 'text').execute();
    await db.schema.alterTable('compute_hosts').addColumn('dataplane', 'text').execute();
  },
};
