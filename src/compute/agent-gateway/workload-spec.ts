import { workloadKindOf } from '../workloads/image-requirements.js';
import type { WorkloadSpec } from '../../agent/drivers/driver.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { Server } from '../servers/server-model.js';

/**
 * Expands a server into what a driver runs: the flavor's size, the image's formats and
 * local path, user data, metadata and keys. Later layers win (server metadata over image
 * properties), so drivers never read flavors, images or the database.
 */
export async function workloadSpecOf(deps: ComputeDeps, s: Server): Promise<WorkloadSpec> {
  const image = await deps.images.getImage({ projectId: s.projectId, isAdmin: true }, s.imageId);
  return {
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
    nics: [],
    disks: [],
  };
}
