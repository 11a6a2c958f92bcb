import type { DiskOnServer, VolumeDevicePort } from '../../volume/index.js';
import type { ComputeDeps } from '../compute-deps.js';
import { requestAttach, requestDetach } from '../devices/device-service.js';
import { getServerDevice } from '../devices/device-store.js';
import { recordVolumeExtended } from '../external-events/volume-extended.js';
import { getServer } from '../servers/server-store.js';

/** The device seam as block storage sees it: disks on servers, keyed by volume id. */
export function volumeDevicePort(deps: ComputeDeps): VolumeDevicePort {
  return {
    async attach(serverId, disk) {
      await requestAttach(deps, serverId, { kind: 'disk', disk });
    },
    async detach(serverId, volumeId) {
      await requestDetach(deps, serverId, { kind: 'disk', id: volumeId });
    },
    async hostProviders() {
      const rows = await deps.store.db.selectFrom('compute_hosts').select('provider_id').execute();
      return rows.map((r) => r.provider_id);
    },
    async disk(serverId, volumeId): Promise<DiskOnServer> {
      const s = await getServer(deps.store.db, serverId);
      if (s === undefined || s.deletedAt !== null) return { kind: 'no-server' };
      const a = await getServerDevice(deps.store.db, serverId, 'disk', volumeId);
      if (a === undefined) return { kind: 'absent' };
      const disk = a.device.kind === 'disk' ? a.device.disk : undefined;
      return {
        kind: 'present',
        desired: a.desired,
        status: a.status,
        host: s.host,
        ...(disk?.sizeBytes !== undefined && { sizeBytes: disk.sizeBytes }),
        ...(disk?.qos !== undefined && { qos: disk.qos }),
      };
    },
    extended: (serverId, volumeId, ok) => recordVolumeExtended(deps, serverId, volumeId, ok),
  };
}
