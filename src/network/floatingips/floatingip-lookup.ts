import type { Db } from '../../db/db-handle.js';

/** The key of a fixed address of a port, as floating IPs name it. */
export const fixedKey = (portId: string, ip: string) => `${portId}/${ip}`;

/**
 * The floating addresses associated with these ports' fixed addresses, by fixedKey (what
 * Nova's network info cache carries and the server view shows as `floating`). Read in
 * slices, so a page of thousands of servers stays a few queries.
 */
export async function floatingIpsOfPorts(
  db: Db,
  portIds: ReadonlyArray<string>,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < portIds.length; i += 500) {
    const rows = await db
      .selectFrom('floatingips')
      .select(['fixed_port_id', 'fixed_ip_address', 'floating_ip_address'])
      .where('fixed_port_id', 'in', portIds.slice(i, i + 500))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    for (const r of rows) {
      if (r.fixed_port_id === null || r.fixed_ip_address === null) continue;
      const key = fixedKey(r.fixed_port_id, r.fixed_ip_address);
      out.set(key, [...(out.get(key) ?? []), r.floating_ip_address]);
    }
  }
  return out;
}
