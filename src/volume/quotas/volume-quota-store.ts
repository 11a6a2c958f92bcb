import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The limits set for a project (resources without a row use the defaults). */
export async function projectLimits(db: Db, projectId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('volume_quotas')
    .select(['resource', 'hard_limit'])
    .where('project_id', '=', projectId)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.resource, r.hard_limit]));
}

export async function setLimits(
  db: Db,
  projectId: string,
  limits: Readonly<Record<string, number>>,
): Promise<void> {
  for (const [resource, hardLimit] of Object.entries(limits)) {
    await db
      .deleteFrom('volume_quotas')
      .where('project_id', '=', projectId)
      .where('resource', '=', resource)
      .execute();
    await db
      .insertInto('volume_quotas')
      .values({ project_id: projectId, resource, hard_limit: hardLimit })
      .execute();
  }
}

export async function deleteLimits(db: Db, projectId: string): Promise<void> {
  await db.deleteFrom('volume_quotas').where('project_id', '=', projectId).execute();
}
