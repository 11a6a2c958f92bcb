import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { WorkloadDevice } from '../../agent/drivers/driver.js';
import type { Database } from '../../db/schema.js';
import type { ServerDeviceTable } from '../../db/tables/compute-tables.js';
import { insertRows, prepareQuery } from '../../db/prepared-query.js';

type Db = Kysely<Database> | Transaction<Database>;
type DeviceRow = Selectable<ServerDeviceTable>;

/** A device attachment of a server: what is wanted, and what the host agent made of it. */
export interface DeviceAttachment {
  readonly id: string;
  readonly serverId: string;
  readonly device: WorkloadDevice;
  readonly desired: ServerDeviceTable['desired'];
  readonly status: ServerDeviceTable['status'];
  readonly fault: string | null;
  readonly generation: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Settled: the agent has nothing left to do for it (errors wait for a new request). */
export function isSettled(a: Pick<DeviceAttachment, 'desired' | 'status'>): boolean {
  return a.status === 'error' || (a.desired === 'attached' && a.status === 'attached');
}

function toAttachment(r: DeviceRow): DeviceAttachment {
  const spec = JSON.parse(r.spec) as unknown;
  const device = (
    r.kind === 'nic' ? { kind: 'nic', nic: spec } : { kind: 'disk', disk: spec }
  ) as WorkloadDevice;
  return {
    id: r.id,
    serverId: r.server_id,
    device,
    desired: r.desired,
    status: r.status,
    fault: r.fault,
    generation: r.generation,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A server's attachments in the order they were asked for (guest order). */
export async function listServerDevices(db: Db, serverId: string): Promise<DeviceAttachment[]> {
  return (await devicesOf.all(db, { serverId })).map(toAttachment);
}

const devicesOf = prepareQuery((db, p: { serverId: string }) =>
  db
    .selectFrom('server_devices')
    .selectAll()
    .where('server_id', '=', p.serverId)
    .orderBy('created_at')
    .orderBy('id'),
);

/** Some attachment of the server still has work to do (not failed, not where it is wanted). */
const pendingDevice = prepareQuery((db, p: { serverId: string }) =>
  db
    .selectFrom('server_devices')
    .select('id')
    .where('server_id', '=', p.serverId)
    .where('status', '!=', 'error')
    .where((eb) => eb.or([eb('desired', '=', 'detached'), eb('status', '!=', 'attached')]))
    .limit(1),
);

const serversPendingOn = prepareQuery((db, p: { hostname: string }) =>
  db
    .selectFrom('server_devices')
    .innerJoin('servers', 'servers.id', 'server_devices.server_id')
    .select('servers.id')
    .distinct()
    .where('servers.host', '=', p.hostname)
    .where('servers.deleted_at', 'is', null)
    .where('server_devices.status', '!=', 'error')
    .where((eb) =>
      eb.or([eb('server_devices.desired', '=', 'detached'), eb('server_devices.status', '!=', 'attached')]),
    ),
);

export async function getServerDevice(
  db: Db,
  serverId: string,
  kind: WorkloadDevice['kind'],
  deviceId: string,
): Promise<DeviceAttachment | undefined> {
  const r = await db
    .selectFrom('server_devices')
    .selectAll()
    .where('server_id', '=', serverId)
    .where('kind', '=', kind)
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
  return r && toAttachment(r);
}

export async function getAttachment(db: Db, id: string): Promise<DeviceAttachment | undefined> {
  const r = await db.selectFrom('server_devices').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toAttachment(r);
}

export async function insertAttachment(
  db: Db,
  a: { id: string; serverId: string; device: WorkloadDevice; deviceId: string },
  now: string,
): Promise<void> {
  await insertRows(db, 'server_devices', [
    {
      id: a.id,
      server_id: a.serverId,
      kind: a.device.kind,
      device_id: a.deviceId,
      spec: JSON.stringify(a.device.kind === 'nic' ? a.device.nic : a.device.disk),
      desired: 'attached',
      status: 'attaching',
      fault: null,
      generation: 0,
      created_at: now,
      updated_at: now,
    },
  ]);
}

/** Compare-and-set on generation; false means someone else changed the attachment first. */
export async function updateAttachmentIf(
  db: Db,
  id: string,
  generation: number,
  set: Updateable<ServerDeviceTable>,
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('server_devices')
    .set({ ...set, generation: generation + 1, updated_at: now })
    .where('id', '=', id)
    .where('generation', '=', generation)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * After a build that made the workload with these attachments' devices on it: each one
 * still at the generation the build read (and still wanted) is attached. Anything changed
 * since is left to the device controller. `revisions` comes from an agent: odd entries
 * are ignored.
 */
export async function markBuiltAttached(
  db: Db,
  serverId: string,
  revisions: unknown,
  now: string,
): Promise<void> {
  if (!Array.isArray(revisions)) return;
  for (const r of revisions as ReadonlyArray<{ id?: unknown; generation?: unknown }>) {
    if (typeof r?.id !== 'string' || !Number.isSafeInteger(r.generation)) continue;
    const generation = r.generation as number;
    await markAttached.execute(db, { id: r.id, serverId, generation, next: generation + 1, now });
  }
}

const markAttached = prepareQuery(
  (db, p: { id: string; serverId: string; generation: number; next: number; now: string }) =>
    db
      .updateTable('server_devices')
      .set({ status: 'attached', fault: null, generation: p.next, updated_at: p.now })
      .where('id', '=', p.id)
      .where('server_id', '=', p.serverId)
      .where('generation', '=', p.generation)
      .where('desired', '=', 'attached'),
);

export async function deleteAttachmentIf(db: Db, id: string, generation: number): Promise<boolean> {
  const r = await db
    .deleteFrom('server_devices')
    .where('id', '=', id)
    .where('generation', '=', generation)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Servers on `hostname` with an attachment the agent still has to act on. */
/** Whether the server has an attachment the agent still has to act on (see isSettled). */
export async function hasPendingDevices(db: Db, serverId: string): Promise<boolean> {
  return (await pendingDevice.first(db, { serverId })) !== undefined;
}

export async function serversWithPendingDevices(db: Db, hostname: string): Promise<string[]> {
  return (await serversPendingOn.all(db, { hostname })).map((r) => r.id);
}
