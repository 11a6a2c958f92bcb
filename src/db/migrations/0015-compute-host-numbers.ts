import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * Nova's service and compute node ids are integers before microversion 2.53 (UUIDs from
 * it). Each host gets a stable number, never reused while the host is registered:
 * existing hosts in the order they registered, new ones max + 1 (host-registry.ts).
 */
export const computeHostNumbersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('compute_hosts').addColumn('service_number', 'integer').execute();
    await sql`
      update compute_hosts set service_number = (
        select count(*) from compute_hosts other
        where other.created_at < compute_hosts.created_at
          or (other.created_at = compute_hosts.created_at and other.hostname <= compute_hosts.hostname)
      )`.execute(db);
    await db.schema
      .createIndex('compute_hosts_service_number')
      .on('compute_hosts')
      .column('service_number')
      .unique()
      .execute();
  },
};
