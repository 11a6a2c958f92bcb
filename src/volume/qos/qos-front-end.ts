import { diskQosKeys, type DiskQos } from '../../agent/drivers/driver.js';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { getQosSpecs, type QosSpecsRecord } from './qos-store.js';

/** The limits Cinder scales with the volume's size (`<key>_per_gb`, floored by `<key>_per_gb_min`). */
const perGbKeys = [
  'read_iops_sec',
  'read_bytes_sec',
  'write_iops_sec',
  'write_bytes_sec',
  'total_iops_sec',
  'total_bytes_sec',
] as const;

/**
 * connection_info's `qos_specs`, as Cinder's volume manager fills it: the specs of the
 * volume type's QoS when their consumer is `front-end` or `both` (the hypervisor applies
 * them), else null. A `<key>_per_gb` becomes `<key>` = max(per_gb × size, per_gb_min).
 */
export function frontEndSpecs(
  qos: QosSpecsRecord | undefined,
  sizeGb: number,
): Record<string, string | number> | null {
  if (qos === undefined || qos.consumer === 'back-end') return null;
  const specs: Record<string, string | number> = { ...qos.specs };
  for (const key of perGbKeys) {
    const perGb = specs[`${key}_per_gb`];
    if (perGb === undefined) continue;
    const min = Number(specs[`${key}_per_gb_min`] ?? 0);
    specs[key] = Math.max(min, Math.trunc(Number(perGb)) * sizeGb);
    delete specs[`${key}_per_gb`];
    delete specs[`${key}_per_gb_min`];
  }
  return specs;
}

/** The front-end specs of a volume's type (null: none, or the type has no front-end QoS). */
export async function frontEndSpecsOf(
  db: Kysely<Database> | Transaction<Database>,
  v: { readonly volumeTypeId: string | null; readonly size: number },
): Promise<Record<string, string | number> | null> {
  if (v.volumeTypeId === null) return null;
  const type = await db
    .selectFrom('volume_types')
    .select('qos_specs_id')
    .where('id', '=', v.volumeTypeId)
    .executeTakeFirst();
  if (!type?.qos_specs_id) return null;
  return frontEndSpecs(await getQosSpecs(db, type.qos_specs_id), v.size);
}

/**
 * The limits a driver applies: the keys it knows, as non-negative whole numbers (0 is
 * "no limit", as in QEMU); other keys (vendor back-end ones) are not the disk's business.
 * Undefined when nothing is limited.
 */
export function diskQosOf(specs: Readonly<Record<string, string | number>> | null): DiskQos | undefined {
  if (specs === null) return undefined;
  const out: Partial<Record<(typeof diskQosKeys)[number], number>> = {};
  for (const key of diskQosKeys) {
    const n = Number(specs[key]);
    if (specs[key] !== undefined && Number.isSafeInteger(n) && n > 0) out[key] = n;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
