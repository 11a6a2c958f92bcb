import type { Db } from '../../db/db-handle.js';
import { prepareQuery, prepareShapes } from '../../db/prepared-query.js';

/** The resources the network service counts, with Neutron's default limits. */
export const quotaDefaults = {
  network: 100,
  subnet: 100,
  port: 500,
  security_group: 10,
  security_group_rule: 100,
  router: 10,
  floatingip: 50,
  // ML2 tracks subnet pools with no limit of its own (quota_default, -1).
  subnetpool: -1,
  // neutron.extensions.rbac registers RBAC entries as a quota resource (quota_rbac_policy).
  rbac_policy: 10,
} as const;
export type QuotaResource = keyof typeof quotaDefaults;
export const quotaResources = Object.keys(quotaDefaults) as QuotaResource[];

const tableOf = {
  network: 'networks',
  subnet: 'subnets',
  port: 'ports',
  security_group: 'security_groups',
  security_group_rule: 'security_group_rules',
  router: 'routers',
  floatingip: 'floatingips',
  subnetpool: 'subnetpools',
  rbac_policy: 'network_rbac_policies',
} as const;

/** The project's limits: its own rows over the defaults. */
export async function limitsOf(db: Db, projectId: string): Promise<Record<QuotaResource, number>> {
  const rows = await quotaRows.all(db, { projectId });
  const out: Record<QuotaResource, number> = { ...quotaDefaults };
  for (const r of rows) if (r.resource in out) out[r.resource as QuotaResource] = r.hard_limit;
  return out;
}

export async function usageOf(db: Db, projectId: string, resource: QuotaResource): Promise<number> {
  const r = await usageQuery(db, projectId, resource).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** The project's limit of one resource and its usage, read together (a create checks both). */
export async function limitAndUsageOf(
  db: Db,
  projectId: string,
  resource: QuotaResource,
): Promise<{ readonly limit: number; readonly used: number }> {
  const r = (await limitAndUsage.execute(db, resource, { projectId, resource })).rows[0]!;
  return { limit: r.hard_limit ?? quotaDefaults[resource], used: Number(r.used ?? 0) };
}

/** Ports are counted by triggers (migration 0024): one row, not a count over every port. */
function usageQuery(db: Pick<Db, 'selectFrom'>, projectId: string, resource: QuotaResource) {
  if (resource === 'port')
    return db.selectFrom('network_port_usage').select('ports as n').where('project_id', '=', projectId);
  return db
    .selectFrom(tableOf[resource])
    .select((eb) => eb.fn.countAll().as('n'))
    .where('project_id', '=', projectId);
}

const quotaRows = prepareQuery((db, p: { projectId: string }) =>
  db.selectFrom('network_quotas').selectAll().where('project_id', '=', p.projectId),
);

/** Shaped by the resource, which names the table its usage is counted in. */
const limitAndUsage = prepareShapes(
  (db, p: { projectId: string; resource: string }, resource: QuotaResource) =>
    db.selectNoFrom((eb) => [
      eb
        .selectFrom('network_quotas')
        .select('hard_limit')
        .where('project_id', '=', p.projectId)
        .where('resource', '=', p.resource)
        .as('hard_limit'),
      usageQuery(eb, p.projectId, resource).as('used'),
    ]),
);

/** Projects with a limit of their own, and those limits. */
export async function projectsWithQuotas(db: Db): Promise<Map<string, Record<QuotaResource, number>>> {
  const rows = await db.selectFrom('network_quotas').selectAll().orderBy('project_id').execute();
  const out = new Map<string, Record<QuotaResource, number>>();
  for (const r of rows) {
    const limits = out.get(r.project_id) ?? { ...quotaDefaults };
    if (r.resource in limits) limits[r.resource as QuotaResource] = r.hard_limit;
    out.set(r.project_id, limits);
  }
  return out;
}

export async function setLimit(
  db: Db,
  projectId: string,
  resource: QuotaResource,
  limit: number,
): Promise<void> {
  await db
    .deleteFrom('network_quotas')
    .where('project_id', '=', projectId)
    .where('resource', '=', resource)
    .execute();
  await db
    .insertInto('network_quotas')
    .values({ project_id: projectId, resource, hard_limit: limit })
    .execute();
}

export async function resetLimits(db: Db, projectId: string): Promise<void> {
  await db.deleteFrom('network_quotas').where('project_id', '=', projectId).execute();
}
