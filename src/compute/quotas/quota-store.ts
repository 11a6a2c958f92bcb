import type { QuotaResource } from './quota-resources.js';
import { isQuotaResource } from './quota-resources.js';
import type { Db } from '../../db/db-handle.js';
import { prepareQuery } from '../../db/prepared-query.js';

/** What a project's live servers consume. */
export interface ServerUsage {
  readonly instances: number;
  readonly cores: number;
  readonly ram: number;
}

/** The limits an operator set for the project; resources absent here use the defaults. */
export async function getQuotaOverrides(
  db: Db,
  projectId: string,
): Promise<Partial<Record<QuotaResource, number>>> {
  const rows = await quotaOverrides.all(db, { projectId });
  const out: Partial<Record<QuotaResource, number>> = {};
  for (const r of rows) if (isQuotaResource(r.resource)) out[r.resource] = Number(r.hard_limit);
  return out;
}

export async function upsertQuotas(
  db: Db,
  projectId: string,
  limits: Readonly<Partial<Record<QuotaResource, number>>>,
): Promise<void> {
  for (const [resource, hardLimit] of Object.entries(limits)) {
    await db
      .insertInto('compute_quotas')
      .values({ project_id: projectId, resource, hard_limit: hardLimit })
      .onConflict((oc) => oc.columns(['project_id', 'resource']).doUpdateSet({ hard_limit: hardLimit }))
      .execute();
  }
}

export async function deleteQuotas(db: Db, projectId: string): Promise<void> {
  await db.deleteFrom('compute_quotas').where('project_id', '=', projectId).execute();
}

/**
 * Servers not yet deleted count against instances, cores and ram, as Nova counts
 * instances. The sums are kept by triggers on `servers` in the same transaction as each
 * change (migration 0005), so this is one row, not a count over every server.
 */
export async function countServerUsage(db: Db, projectId: string): Promise<ServerUsage> {
  const r = await serverUsage.first(db, { projectId });
  return { instances: Number(r?.instances ?? 0), cores: Number(r?.cores ?? 0), ram: Number(r?.ram ?? 0) };
}

const quotaOverrides = prepareQuery((db, p: { projectId: string }) =>
  db.selectFrom('compute_quotas').select(['resource', 'hard_limit']).where('project_id', '=', p.projectId),
);
const serverUsage = prepareQuery((db, p: { projectId: string }) =>
  db
    .selectFrom('compute_project_usage')
    .select(['instances', 'cores', 'ram'])
    .where('project_id', '=', p.projectId),
);
const quotaClass = prepareQuery((db, p: { className: string }) =>
  db
    .selectFrom('compute_quota_classes')
    .select(['resource', 'hard_limit'])
    .where('class_name', '=', p.className),
);

export async function countServerGroups(db: Db, projectId: string): Promise<number> {
  const r = await db
    .selectFrom('server_groups')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function countKeypairs(db: Db, userId: string): Promise<number> {
  const r = await db
    .selectFrom('keypairs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Members of a group whose servers still exist. */
export async function countGroupMembers(db: Db, groupId: string): Promise<number> {
  const r = await db
    .selectFrom('server_group_members as m')
    .innerJoin('servers as s', 's.id', 'm.server_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('m.group_id', '=', groupId)
    .where('s.deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The limits stored for a quota class (Nova's quota_classes); absent resources use the defaults. */
export async function getQuotaClass(
  db: Db,
  className: string,
): Promise<Partial<Record<QuotaResource, number>>> {
  const rows = await quotaClass.all(db, { className });
  const out: Partial<Record<QuotaResource, number>> = {};
  for (const r of rows) if (isQuotaResource(r.resource)) out[r.resource] = Number(r.hard_limit);
  return out;
}

export async function upsertQuotaClass(
  db: Db,
  className: string,
  limits: Readonly<Partial<Record<QuotaResource, number>>>,
): Promise<void> {
  for (const [resource, hardLimit] of Object.entries(limits)) {
    await db
      .insertInto('compute_quota_classes')
      .values({ class_name: className, resource, hard_limit: hardLimit })
      .onConflict((oc) => oc.columns(['class_name', 'resource']).doUpdateSet({ hard_limit: hardLimit }))
      .execute();
  }
}
