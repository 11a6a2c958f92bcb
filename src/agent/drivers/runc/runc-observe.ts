import { specIsolation } from '../container-isolation.js';
import type { PowerObservation, WorkloadHandle, WorkloadSpec } from '../driver.js';
import type { RuncState } from './runc-cli.js';
import type { WorkloadRecord } from './runc-workload.js';

export const handleVersion = 1;

/** What the container is doing, and why when nobody asked for it. */
export function powerOf(
  r: WorkloadRecord | undefined,
  s: RuncState | undefined,
): { power: PowerObservation; reason?: string } {
  if (s?.status === 'running') return { power: 'running' };
  if (s?.status === 'paused') return { power: 'paused' };
  if (r === undefined)
    return { power: 'shutdown', reason: 'a runc container with no Strata workload record' };
  if (r.stopped) return { power: 'shutdown' };
  if (s === undefined)
    return { power: 'shutdown', reason: 'the container is gone (host reboot, or removed outside Strata)' };
  if (s.status === 'stopped')
    return {
      power: 'shutdown',
      reason: `the container's init (pid ${s.pid}) exited without a stop request (killed from outside, or it crashed)`,
    };
  return { power: 'shutdown', reason: `the container is ${s.status}, not started` };
}

/** The handle the agent persists; the driver itself relies only on the workload id. */
export function handleOf(r: WorkloadRecord): WorkloadHandle {
  return {
    workloadId: r.workloadId,
    driver: 'runc',
    stateVersion: handleVersion,
    state: { imageKey: r.imageKey, rootfsMode: r.rootfsMode },
    diagnostics: { cpu_count: r.vcpus, memory_mb: r.memoryMb, rootfs_mode: r.rootfsMode },
  };
}

/**
 * Only container images with local data can run here: container_format docker (a docker
 * save or OCI image-layout tarball, told apart by content), or bare with the property
 * strata_workload=container, which the scheduler also sends to container hosts.
 */
export function checkImage(
  spec: WorkloadSpec,
  /** The caller isolates it in a VM (the microvm driver, which unpacks images the same way). */
  vmIsolated = false,
): { readonly id: string; readonly path: string } {
  const format = spec.image.containerFormat;
  const container =
    format === 'docker' || (format === 'bare' && spec.image.properties['strata_workload'] === 'container');
  if (!container)
    throw new Error(
      `runc driver: image ${spec.image.id} has container_format ${format ?? 'none'}; a container needs ` +
        '"docker" (a docker save or OCI image-layout tarball), or "bare" with strata_workload=container',
    );
  if (!spec.image.path) throw new Error(`runc driver: image ${spec.image.id} has no data on this host`);
  if (specIsolation(spec) === 'vm' && !vmIsolated)
    throw new Error('runc driver: hw:container_isolation=vm needs the microvm driver on this host');
  return { id: spec.image.id, path: spec.image.path };
}
