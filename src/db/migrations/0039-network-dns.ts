import type { Kysely, Migration } from 'kysely';

/**
 * Neutron's DNS integration: a network's `dns_domain` and a port's `dns_name` (both '' when
 * unset, as Neutron shows them), and a floating IP's `dns_name` and `dns_domain`. dnsmasq names each port `<dns_name>.<domain>`.
 */
export const networkDnsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('networks')
      .addColumn('dns_domain', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('ports')
      .addColumn('dns_name', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    // A floating IP's name and domain for an external DNS service (set on create only).
    await db.schema
      .alterTable('floatingips')
      .addColumn('dns_name', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('floatingips')
      .addColumn('dns_domain', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
  },
};
