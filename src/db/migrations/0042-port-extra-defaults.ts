import type { Kysely, Migration } from 'kysely';

/** The two JSON columns as stored before session 10, and the port's MAC they default from. */
interface PortExtras {
  readonly id: string;
  readonly mac_address: string;
  readonly allowed_address_pairs: string;
  readonly extra_dhcp_opts: string;
}

type Json = Record<string, unknown>;

/**
 * Ports stored before Strata filled in Neutron's defaults: an allowed address pair without
 * `mac_address` takes the port's MAC (Neutron stores it so), and an extra DHCP option
 * without `ip_version` is IPv4. Data only; rows already complete are left alone.
 */
export const portExtraDefaultsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const ports = db as unknown as Kysely<{ ports: PortExtras }>;
    const rows = await ports
      .selectFrom('ports')
      .select(['id', 'mac_address', 'allowed_address_pairs', 'extra_dhcp_opts'])
      .where((eb) => eb.or([eb('allowed_address_pairs', '!=', '[]'), eb('extra_dhcp_opts', '!=', '[]')]))
      .execute();
    for (const row of rows) {
      const pairs = filled(row.allowed_address_pairs, 'mac_address', row.mac_address);
      const options = filled(row.extra_dhcp_opts, 'ip_version', 4);
      if (pairs === row.allowed_address_pairs && options === row.extra_dhcp_opts) continue;
      await ports
        .updateTable('ports')
        .set({ allowed_address_pairs: pairs, extra_dhcp_opts: options })
        .where('id', '=', row.id)
        .execute();
    }
  },
};

/** The JSON list with `key` set to `value` where an entry lacks it; the same text when none does. */
function filled(text: string, key: string, value: unknown): string {
  const list = JSON.parse(text) as Json[];
  if (!Array.isArray(list) || list.every((e) => e[key] !== undefined && e[key] !== null)) return text;
  return JSON.stringify(
    list.map((e) => (e[key] === undefined || e[key] === null ? { ...e, [key]: value } : e)),
  );
}
