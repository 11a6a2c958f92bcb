import type { InventoryLimits } from './inventory-capacity.js';
import type { Db } from '../../db/db-handle.js';

export type InventoryMap = Map<string, Record<string, InventoryLimits>>;

/** Inventories of the given providers (all when undefined), keyed by provider then class. */
export async function providerInventories(db: Db, providers?: ReadonlyArray<string>): Promise<InventoryMap> {
  if (providers !== undefined && providers.length === 0) return new Map();
  let q = db.selectFrom('resource_provider_inventories').selectAll().orderBy('resource_class');
  if (providers !== undefined) q = q.where('provider_uuid', 'in', providers);
  const out: InventoryMap = new Map();
  for (const r of await q.execute()) {
    const m = out.get(r.provider_uuid) ?? {};
    m[r.resource_class] = {
      total: Number(r.total),
      reserved: Number(r.reserved),
      minUnit: Number(r.min_unit),
      maxUnit: Number(r.max_unit),
      stepSize: Number(r.step_size),
      allocationRatio: Number(r.allocation_ratio),
    };
    out.set(r.provider_uuid, m);
  }
  return out;
}

export async function replaceInventories(
  db: Db,
  uuid: string,
  inventories: Readonly<Record<string, InventoryLimits>>,
): Promise<void> {
  await db.deleteFrom('resource_provider_inventories').where('provider_uuid', '=', uuid).execute();
  const rows = Object.entries(inventories).map(([rc, i]) => ({
    provider_uuid: uuid,
    resource_class: rc,
    total: i.total,
    reserved: i.reserved,
    min_unit: i.minUnit,
    max_unit: i.maxUnit,
    step_size: i.stepSize,
    allocation_ratio: i.allocationRatio,
  }));
  if (rows.length > 0) await db.insertInto('resource_provider_inventories').values(rows).execute();
}
