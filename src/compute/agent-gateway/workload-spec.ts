import { workloadKindOf } from '../workloads/image-requirements.js';
import type { WorkloadSpec } from '../../agent/drivers/driver.js';
import type { DeviceRevision } from '../../agent/transport/control-plane.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { Server } from '../servers/server-model.js';
import { listServerDevices } from '../devices/device-store.js';
import { devicesForHost } from '../devices/disk-source.js';

/**
 * Expands a server into what a driver runs: the flavor's size, the image's formats and
 * local path, user data, metadata and keys. Later layers win (server metadata over image
 * properties), so drivers never read flavors, images or the database. The server's
 * NICs and disks are its device attachments (src/compute/devices).
 */
export async function workloadSpecOf(deps: ComputeDeps, s: Server): Promise<WorkloadSpec> {
  return (await workloadOf(deps, s)).spec;
}

/** The spec, and the device attachments (at the generation read) its NICs and disks come from. */
export async function workloadOf(
  deps: ComputeDeps,
  s: Server,
): Promise<{ spec: WorkloadSpec; devices: DeviceRevision[] }> {
  const image = await deps.images.getImage({ projectId: s.projectId, isAdmin: true }, s.imageId);
  // Devices come with the workload when it is (re)built; detaching ones are left off.
  const attached = (await listServerDevices(deps.store.db, s.id)).filter((a) => a.desired === 'attached');
  const forHost = await devicesForHost(deps, s.id, s.host, attached);
  const devices = forHost.map((a) => a.device);
  const spec: WorkloadSpec = {
    workloadId: s.id,
    name: s.name,
    hostname: s.hostname,
    kind: workloadKindOf(image),
    vcpus: s.flavor.vcpus,
    memoryMb: s.flavor.ram,
    rootGb: s.flavor.disk,
    image: {
      id: s.imageId,
      diskFormat: image?.diskFormat ?? null,
      containerFormat: image?.containerFormat ?? null,
      ...(image?.status === 'active' && { path: deps.images.imageDataPath(s.imageId) }),
      properties: image?.properties ?? {},
    },
    projectId: s.projectId,
    availabilityZone: s.availabilityZone,
    launchIndex: s.launchIndex,
    userData: s.userData,
    metadata: s.metadata,
    keyName: s.keyName,
    keyData: s.keyData,
    configDrive: s.configDrive,
    extraSpecs: s.flavor.extraSpecs,
    nics: devices.flatMap((d) => (d.kind === 'nic' ? [d.nic] : [])),
    disks: devices.flatMap((d) => (d.kind === 'disk' ? [d.disk] : [])),
  };
  return { spec, devices: forHost.map((a) => ({ id: a.id, generation: a.generation })) };
}
