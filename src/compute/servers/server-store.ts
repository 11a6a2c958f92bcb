import type { Selectable, Updateable } from 'kysely';
import { flag, isSet, parseJson } from '../../db/row-codec.js';
import type { ServerTable, ServerTaskState } from '../../db/tables/compute-tables.js';
import type { EmbeddedFlavor, Server } from './server-model.js';
import { withTags } from './server-tag-store.js';
import type { Db } from '../../db/db-handle.js';
import { insertRows, prepareQuery, prepareShapes } from '../../db/prepared-query.js';

export type ServerRow = Selectable<ServerTable>;
export type ServerChanges = Updateable<ServerTable>;

/** Tags live in server_tags: readers that render them add them (withTags in server-query.ts). */
export function toServer(r: ServerRow): Server {
  return {
    id: r.id,
    projectId: r.project_id,
    userId: r.user_id,
    name: r.name,
    hostname: r.hostname,
    description: r.description,
    flavor: parseJson<EmbeddedFlavor>(r.flavor, undefined as never),
    imageId: r.image_id,
    keyName: r.key_name,
    keyData: r.key_data,
    userData: r.user_data,
    metadata: parseJson(r.metadata, {}),
    tags: [],
    networks: parseJson(r.networks, 'auto'),
    availabilityZone: r.availability_zone,
    configDrive: isSet(r.config_drive),
    accessIpv4: r.access_ipv4,
    accessIpv6: r.access_ipv6,
    reservationId: r.reservation_id,
    launchIndex: r.launch_index,
    serverGroupId: r.server_group_id,
    vmState: r.vm_state,
    taskState: r.task_state,
    powerState: r.power_state,
    desiredPower: r.desired_power,
    observedPower: r.observed_power,
    observedReason: r.observed_reason,
    generation: r.generation,
    host: r.host,
    node: r.node,
    buildAttempts: parseJson(r.build_attempts, []),
    locked: isSet(r.locked),
    lockedBy: r.locked_by,
    lockedReason: r.locked_reason,
    fault: parseJson(r.fault, null),
    workloadHandle: parseJson(r.workload_handle, null),
    pendingImageId: r.pending_image_id,
    newFlavor: parseJson(r.new_flavor, null),
    oldFlavor: parseJson(r.old_flavor, null),
    launchedAt: r.launched_at,
    terminatedAt: r.terminated_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deletedAt: r.deleted_at,
  };
}

/** A server with its tags, for the views that show them. */
export async function getServerWithTags(db: Db, id: string): Promise<Server | undefined> {
  const s = await getServer(db, id);
  return s && (await withTags(db, [s]))[0];
}

export async function getServer(db: Db, id: string): Promise<Server | undefined> {
  const r = await serverById.first(db, { id });
  return r && toServer(r);
}

const serverById = prepareQuery((db, p: { id: string }) =>
  db.selectFrom('servers').selectAll().where('id', '=', p.id),
);
const placementOf = prepareQuery((db, p: { id: string }) =>
  db
    .selectFrom('servers')
    .select(['host', 'deleted_at', 'vm_state', 'task_state', 'workload_handle'])
    .where('id', '=', p.id),
);

/** Where a server runs and its task, without reading (and parsing) the whole row. */
export async function getServerPlacement(
  db: Db,
  id: string,
): Promise<Pick<Server, 'host' | 'deletedAt' | 'vmState' | 'taskState' | 'workloadHandle'> | undefined> {
  const r = await placementOf.first(db, { id });
  return (
    r && {
      host: r.host,
      deletedAt: r.deleted_at,
      vmState: r.vm_state,
      taskState: r.task_state,
      workloadHandle: parseJson(r.workload_handle, null),
    }
  );
}

/** Rows per INSERT: SQLite allows 32,766 bound values per statement and a row has ~50. */
const insertChunk = 500;

export async function insertServers(db: Db, rows: ReadonlyArray<ServerRow>): Promise<void> {
  for (let i = 0; i < rows.length; i += insertChunk)
    await insertRows(db, 'servers', rows.slice(i, i + insertChunk));
}

/**
 * Compare-and-set: applies `set` only if the row still has `expect.generation` (and the
 * task state, when given), bumping the generation. False means someone else won.
 */
export async function updateServerIf(
  db: Db,
  id: string,
  expect: { readonly generation: number; readonly taskState?: ServerTaskState | null },
  set: ServerChanges,
  now: string,
): Promise<boolean> {
  const columns = Object.keys(set).filter((k) => set[k as keyof ServerChanges] !== undefined);
  const task = expect.taskState === undefined ? 'any' : expect.taskState === null ? 'none' : 'is';
  const r = await serverUpdate.execute(db, `${task}|${columns.join(',')}`, {
    ...set,
    id,
    generation: expect.generation,
    nextGeneration: expect.generation + 1,
    now,
    expectTask: expect.taskState ?? null,
  });
  return Number(r.numAffectedRows) === 1;
}

type ServerUpdate = ServerChanges & {
  id: string;
  generation: number;
  nextGeneration: number;
  now: string;
  expectTask: string | null;
};

/** Shape `task|columns`: the columns set, and whether the task state must match. */
const serverUpdate = prepareShapes((db, p: ServerUpdate, shape: string) => {
  const [task, list] = shape.split('|') as [string, string];
  const columns = list === '' ? [] : list.split(',');
  const set = Object.fromEntries(columns.map((c) => [c, p[c as keyof ServerUpdate]]));
  let q = db
    .updateTable('servers')
    .set({ ...set, generation: p.nextGeneration, updated_at: p.now })
    .where('id', '=', p.id)
    .where('generation', '=', p.generation);
  if (task === 'none') q = q.where('task_state', 'is', null);
  else if (task === 'is') q = q.where('task_state', '=', p.expectTask as ServerTaskState);
  return q;
});

export function flavorJson(f: EmbeddedFlavor): string {
  return JSON.stringify(f);
}

export { flag };
