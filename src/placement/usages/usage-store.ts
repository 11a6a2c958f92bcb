import type { Db } from '../../db/db-handle.js';

export type UsageMap = Map<string, Record<string, number>>;

/**
 * Sums of allocations per provider and class, for the given providers (all when
 * undefined), optionally leaving out some consumers (the ones a write replaces).
 */
export async function providerUsages(
  db: Db,
  providers?: ReadonlyArray<string>,
  exceptConsumers: ReadonlyArray<string> = [],
): Promise<UsageMap> {
  if (providers !== undefined && providers.length === 0) return new Map();
  let q = db
    .selectFrom('allocations')
    .select((eb) => ['provider_uuid', 'resource_class', eb.fn.sum<number>('used').as('used')])
    .groupBy(['provider_uuid', 'resource_class']);
  if (providers !== undefined) q = q.where('provider_uuid', 'in', providers);
  if (exceptConsumers.length > 0) q = q.where('consumer_id', 'not in', exceptConsumers);
  const out: UsageMap = new Map();
  for (const r of await q.execute()) {
    const m = out.get(r.provider_uuid) ?? {};
    m[r.resource_class] = Number(r.used);
    out.set(r.provider_uuid, m);
  }
  return out;
}

/** Usage totals of a project (and user), optionally per consumer type (1.38). */
export async function projectUsages(
  db: Db,
  f: { readonly projectId: string; readonly userId?: string; readonly consumerType?: string },
): Promise<ReadonlyArray<{ type: string | null; resourceClass: string; used: number; consumers: number }>> {
  let q = db
    .selectFrom('allocations')
    .innerJoin('consumers', 'consumers.uuid', 'allocations.consumer_id')
    .select((eb) => [
      'consumers.consumer_type as type',
      'allocations.resource_class as resourceClass',
      eb.fn.sum<number>('allocations.used').as('used'),
      eb.fn.count<number>('allocations.consumer_id').distinct().as('consumers'),
    ])
    .where('consumers.project_id', '=', f.projectId)
    .groupBy(['consumers.consumer_type', 'allocations.resource_class']);
  if (f.userId !== undefined) q = q.where('consumers.user_id', '=', f.userId);
  if (f.consumerType === 'unknown') q = q.where('consumers.consumer_type', 'is', null);
  else if (f.consumerType !== undefined && f.consumerType !== 'all') {
    q = q.where('consumers.consumer_type', '=', f.consumerType);
  }
  return (await q.execute()).map((r) => ({ ...r, used: Number(r.used), consumers: Number(r.consumers) }));
}

/** Consumers per type of a project (and user), for 1.38's consumer_count. */
export async function consumerCounts(
  db: Db,
  f: { readonly projectId: string; readonly userId?: string },
): Promise<Map<string | null, number>> {
  let q = db
    .selectFrom('consumers')
    .select((eb) => ['consumer_type', eb.fn.countAll<number>().as('n')])
    .where('project_id', '=', f.projectId)
    .groupBy('consumer_type');
  if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
  return new Map((await q.execute()).map((r) => [r.consumer_type, Number(r.n)]));
}
