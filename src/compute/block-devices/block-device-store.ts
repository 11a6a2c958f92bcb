import type { Db } from '../../db/db-handle.js';
import type { ServerBlockDeviceTable } from '../../db/tables/compute-tables.js';
import type { BlockDeviceRequest } from './block-device-request.js';

/** A row of server_block_devices, as the controller reads it. */
export interface ServerBlockDevice {
  readonly id: string;
  readonly serverId: string;
  readonly request: BlockDeviceRequest;
  /** The volume this mapping is (existing, or chosen for the one block storage makes). */
  readonly volumeId: string;
}

/** The rows for `serverId`'s volume mappings; a new volume's id is chosen here. */
export function blockDeviceRows(
  serverId: string,
  devices: ReadonlyArray<BlockDeviceRequest>,
): ServerBlockDeviceTable[] {
  return devices.map((d, position) => ({
    id: crypto.randomUUID(),
    server_id: serverId,
    source_type: d.sourceType,
    destination_type: d.destinationType,
    uuid: d.uuid,
    volume_size: d.volumeSize,
    boot_index: d.bootIndex,
    device_name: d.deviceName,
    delete_on_termination: d.deleteOnTermination ? 1 : 0,
    volume_id: d.sourceType === 'volume' ? d.uuid : crypto.randomUUID(),
    position,
  }));
}

export async function insertBlockDevices(db: Db, rows: ReadonlyArray<ServerBlockDeviceTable>): Promise<void> {
  if (rows.length > 0)
    await db
      .insertInto('server_block_devices')
      .values([...rows])
      .execute();
}

function toDevice(r: ServerBlockDeviceTable): ServerBlockDevice {
  return {
    id: r.id,
    serverId: r.server_id,
    volumeId: r.volume_id ?? '',
    request: {
      sourceType: r.source_type,
      destinationType: r.destination_type,
      uuid: r.uuid,
      volumeSize: r.volume_size,
      bootIndex: r.boot_index,
      deviceName: r.device_name,
      deleteOnTermination: r.delete_on_termination === 1,
    },
  };
}

export async function blockDevicesOf(db: Db, serverId: string): Promise<ServerBlockDevice[]> {
  const rows = await db
    .selectFrom('server_block_devices')
    .selectAll()
    .where('server_id', '=', serverId)
    .orderBy('position')
    .execute();
  return rows.map(toDevice);
}

/** delete_on_termination per volume, for the servers' views (volumes_attached). */
export async function deleteOnTerminationOf(
  db: Db,
  serverIds: ReadonlyArray<string>,
): Promise<Map<string, boolean>> {
  if (serverIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('server_block_devices')
    .select(['server_id', 'volume_id', 'delete_on_termination'])
    .where('server_id', 'in', serverIds)
    .execute();
  return new Map(rows.map((r) => [`${r.server_id}/${r.volume_id ?? ''}`, r.delete_on_termination === 1]));
}

export async function deleteBlockDevices(db: Db, serverId: string): Promise<void> {
  await db.deleteFrom('server_block_devices').where('server_id', '=', serverId).execute();
}

/** Servers with mappings: those still being prepared, and deleted ones whose volumes may go with them. */
export async function serversWithBlockDevices(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('server_block_devices').select('server_id').distinct().execute();
  return rows.map((r) => r.server_id);
}
