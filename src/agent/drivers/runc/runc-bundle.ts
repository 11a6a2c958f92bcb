import { readFile, writeFile } from 'node:fs/promises';
import { netnsPath } from '../../host/netns.js';
import { ownByRoot } from './runc-idmap.js';
import { resolveInRoot } from './root-path.js';
import type { CachedRootfs } from './rootfs-cache.js';
import type { WorkloadPaths, WorkloadRecord } from './runc-workload.js';
import { buildRuntimeSpec, hostsFileContent, resolveUser } from './runtime-spec.js';

/** Tasks a container may hold when its flavor does not say (`quota:pids_max`). */
export const defaultPidsMax = 1024;

/** The flavor's `quota:pids_max` extra spec, checked: a positive whole number. */
export function pidsMaxOf(extraSpecs: Readonly<Record<string, string>>): number {
  const v = extraSpecs['quota:pids_max'];
  if (v === undefined) return defaultPidsMax;
  if (!/^[1-9]\d{0,9}$/.test(v.trim()) || Number(v) > 2 ** 31 - 1)
    throw new Error(`runc driver: the flavor's quota:pids_max "${v}" is not a positive whole number`);
  return Number(v);
}

/** Each workload gets its own cgroup, named after it, so runc removes it whole on delete. */
export function cgroupPathOf(workloadId: string): string {
  return `/strata-runc-${workloadId}`;
}

/**
 * Writes the OCI bundle's config.json (and the /etc/hosts and /etc/hostname it mounts) for
 * the record's size and hostname. The rootfs must be in place: the image's user is looked
 * up in its /etc/passwd.
 */
export async function writeBundle(
  p: WorkloadPaths,
  r: WorkloadRecord,
  image: CachedRootfs,
  rootPath?: string,
): Promise<void> {
  const inRoot = async (file: string) =>
    readFile(await resolveInRoot(p.rootfs.merged, file, true), 'utf8').catch(() => '');
  const user = resolveUser(image.run.user, await inRoot('etc/passwd'), await inRoot('etc/group'));
  const spec = buildRuntimeSpec({
    hostname: r.hostname,
    vcpus: r.vcpus,
    memoryMb: r.memoryMb,
    pidsMax: r.pidsMax ?? defaultPidsMax,
    ...(r.idMap && { idMap: r.idMap }),
    ...(rootPath !== undefined && { rootPath }),
    ...(r.idMap && r.netns !== undefined && { sysfsDir: p.sysfs }),
    run: image.run,
    user,
    cgroupsPath: cgroupPathOf(r.workloadId),
    configDriveDir: p.configDrive,
    hostsFile: p.hosts,
    hostnameFile: p.hostname,
    ...(r.netns !== undefined && { devices: { netnsPath: netnsPath(r.netns), volumesDir: p.volumes } }),
  });
  await writeFile(p.hosts, hostsFileContent(r.hostname));
  await writeFile(p.hostname, `${r.hostname}\n`);
  // Bound read-write into the container: its root must own them.
  if (r.idMap) await ownByRoot(r.idMap, [p.hosts, p.hostname]);
  await writeFile(p.config, JSON.stringify(spec, null, 2));
}
