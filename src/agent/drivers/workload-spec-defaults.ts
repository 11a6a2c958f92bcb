import type { WorkloadSpec } from './driver.js';

/**
 * A spec with everything a test or benchmark does not care about filled in: one vCPU,
 * 256 MiB, 1 GiB root, no user data, keys, metadata or devices. Callers name the
 * workload, its kind and image, and whatever else their case is about.
 */
export function workloadSpec(
  s: Pick<WorkloadSpec, 'workloadId' | 'kind' | 'image'> & Partial<WorkloadSpec>,
): WorkloadSpec {
  return {
    name: s.workloadId,
    hostname: 'test',
    vcpus: 1,
    memoryMb: 256,
    rootGb: 1,
    projectId: 'p1',
    availabilityZone: null,
    launchIndex: 0,
    userData: null,
    metadata: {},
    keyName: null,
    keyData: null,
    configDrive: false,
    extraSpecs: {},
    nics: [],
    disks: [],
    ...s,
  };
}
