import { createHash } from 'node:crypto';
import type { Claim } from '../../scheduler/plan-applier.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { Server } from '../servers/server-model.js';
import { updateServerIf } from '../servers/server-store.js';

/** A UUID-shaped consumer id for one resize of a server (stable across replays of the same pass). */
export function migrationConsumer(s: Pick<Server, 'id' | 'generation'>): string {
  const h = createHash('sha256').update(`migration:${s.id}:${s.generation}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Moves placed resizes on: the server takes its new flavor on the destination and waits
 * there for the agent (task 'resize_migrating'); a migration row records source and
 * destination. The source host's agent is woken too, so it lets go of its copy.
 */
export async function commitResizes(
  deps: ComputeDeps,
  servers: ReadonlyArray<Server>,
  committed: ReadonlyArray<Claim>,
): Promise<void> {
  const placed = new Map(committed.map((c) => [c.consumerId, c]));
  const now = deps.clock().toISOString();
  for (const s of servers) {
    const c = placed.get(s.id);
    if (c === undefined || s.newFlavor === null) continue;
    const f = s.newFlavor;
    const set = {
      host: c.hostname,
      node: c.hostname,
      task_state: 'resize_migrating' as const,
      flavor: JSON.stringify(f),
      flavor_id: f.id,
      vcpus: f.vcpus,
      memory_mb: f.ram,
      root_gb: f.disk,
      old_flavor: JSON.stringify(s.flavor),
      new_flavor: null,
    };
    const won = await deps.store.db.transaction().execute(async (tx) => {
      if (!(await updateServerIf(tx, s.id, { generation: s.generation, taskState: 'resize_prep' }, set, now)))
        return false;
      const last = await tx
        .selectFrom('migrations')
        .select((eb) => eb.fn.max('id').as('max'))
        .executeTakeFirst();
      await tx
        .insertInto('migrations')
        .values({
          id: Number(last?.max ?? 0) + 1,
          uuid: migrationConsumer(s),
          server_id: s.id,
          migration_type: 'resize',
          status: 'migrating',
          source_compute: s.host,
          dest_compute: c.hostname,
          old_flavor_id: s.flavor.id,
          new_flavor_id: f.id,
          project_id: s.projectId,
          user_id: s.userId,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('uuid').doNothing())
        .execute();
      return true;
    });
    if (!won) continue;
    deps.signals.host(c.hostname, s.id);
    if (s.host !== null && s.host !== c.hostname) deps.signals.host(s.host, s.id);
  }
}
