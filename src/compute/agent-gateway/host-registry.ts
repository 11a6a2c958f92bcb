import { refreshHostZones, zonedAggregatesOf } from '../aggregates/aggregate-store.js';
import { nextServiceNumber } from '../hosts/host-store.js';
import { uuid } from '../../common/ids.js';
import type { HostRegistration } from '../../agent/transport/control-plane.js';
import type { ComputeDeps } from '../compute-deps.js';

/** Nova's initial allocation ratios: CPU 4.0, RAM 1.0, disk 1.0. */
const ratios = { VCPU: 4, MEMORY_MB: 1, DISK_GB: 1 } as const;

/**
 * Registers (or re-registers) a host: its row in the host registry and its resource
 * provider in placement, with inventory minus the host's reservations and the driver's
 * traits. Idempotent: an agent restart finds its provider again by hostname.
 */
export async function registerHost(deps: ComputeDeps, reg: HostRegistration): Promise<string> {
  const db = deps.store.db;
  const now = deps.clock().toISOString();
  const existing = await db
    .selectFrom('compute_hosts')
    .select(['id', 'provider_id'])
    .where('hostname', '=', reg.hostname)
    .executeTakeFirst();
  const providerId = existing?.provider_id ?? uuid();
  await deps.placement.ensureProvider({
    uuid: providerId,
    name: reg.hostname,
    inventories: {
      VCPU: { total: reg.facts.vcpus, reserved: reg.reserved.vcpus, allocationRatio: ratios.VCPU },
      MEMORY_MB: {
        total: reg.facts.memoryMb,
        reserved: reg.reserved.memoryMb,
        allocationRatio: ratios.MEMORY_MB,
      },
      DISK_GB: { total: reg.facts.diskGb, reserved: reg.reserved.diskGb, allocationRatio: ratios.DISK_GB },
    },
    traits: reg.facts.traits,
  });
  // A zoned aggregate the host is in outranks the zone its agent names (os-aggregates).
  const aggregateZone = (await zonedAggregatesOf(db, [reg.hostname]))[0]?.zone;
  const row = {
    driver: reg.driver,
    availability_zone: aggregateZone ?? reg.availabilityZone,
    registered_zone: reg.availabilityZone,
    last_heartbeat: now,
    provider_id: providerId,
    vcpus: reg.facts.vcpus,
    memory_mb: reg.facts.memoryMb,
    local_gb: reg.facts.diskGb,
    facts: JSON.stringify(reg.facts.details),
    tunnel_ip: reg.tunnelIp ?? null,
    dataplane: reg.dataplane ?? null,
  };
  if (existing) await db.updateTable('compute_hosts').set(row).where('id', '=', existing.id).execute();
  else {
    await db
      .insertInto('compute_hosts')
      .values({
        ...row,
        id: uuid(),
        service_number: nextServiceNumber,
        hostname: reg.hostname,
        status: 'enabled',
        disabled_reason: null,
        forced_down: 0,
        created_at: now,
      })
      .onConflict((oc) => oc.column('hostname').doUpdateSet(row))
      .execute();
  }
  // Again after the write, so an add_host racing this registration cannot leave a stale zone.
  await refreshHostZones(db, [reg.hostname]);
  return providerId;
}

export async function heartbeat(deps: ComputeDeps, hostname: string): Promise<void> {
  await deps.store.db
    .updateTable('compute_hosts')
    .set({ last_heartbeat: deps.clock().toISOString() })
    .where('hostname', '=', hostname)
    .execute();
}
