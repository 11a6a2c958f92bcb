import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Server } from './server-model.js';
import type { Db } from '../../db/db-handle.js';

/** The servers with their tags read (one query for a whole page). */
export async function withTags(db: Db, servers: ReadonlyArray<Server>): Promise<Server[]> {
  const tags = await tagsOf(
    db,
    servers.map((s) => s.id),
  );
  return servers.map((s) => ({ ...s, tags: tags.get(s.id) ?? [] }));
}

/** The tags of each given server, sorted (one query for a whole page). */
export async function tagsOf(db: Db, serverIds: ReadonlyArray<string>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(serverIds.map((id) => [id, []]));
  if (serverIds.length === 0) return out;
  const rows = await db
    .selectFrom('server_tags')
    .select(['server_id', 'tag'])
    .where('server_id', 'in', [...serverIds])
    .orderBy('tag')
    .execute();
  for (const r of rows) out.get(r.server_id)?.push(r.tag);
  return out;
}

export async function replaceTags(tx: Db, serverId: string, tags: ReadonlyArray<string>): Promise<void> {
  await tx.deleteFrom('server_tags').where('server_id', '=', serverId).execute();
  const unique = [...new Set(tags)];
  if (unique.length > 0)
    await tx
      .insertInto('server_tags')
      .values(unique.map((tag) => ({ server_id: serverId, tag })))
      .execute();
}

/** False when the server already had the tag. */
export async function addTag(tx: Db, serverId: string, tag: string): Promise<boolean> {
  const r = await tx
    .insertInto('server_tags')
    .values({ server_id: serverId, tag })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** False when the server did not have the tag. */
export async function removeTag(tx: Db, serverId: string, tag: string): Promise<boolean> {
  const r = await tx
    .deleteFrom('server_tags')
    .where('server_id', '=', serverId)
    .where('tag', '=', tag)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Servers carrying `tag`, as a subquery for the list filters. */
export function hasTag(eb: ExpressionBuilder<Database, 'servers'>, tag: string) {
  return eb.exists(
    eb
      .selectFrom('server_tags')
      .select('server_tags.tag')
      .whereRef('server_tags.server_id', '=', 'servers.id')
      .where('server_tags.tag', '=', tag),
  );
}
