import type { Kysely, Migration } from 'kysely';

/**
 * A host's underlay address for VXLAN (the agent's `tunnelIp`): the other hosts carrying a
 * network flood to it and send its ports' MACs there. Null until an agent with a real
 * dataplane registers it.
 */
export const hostTunnelIpMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('compute_hosts').addColumn('tunnel_ip', 'text').execute();
  },
};
