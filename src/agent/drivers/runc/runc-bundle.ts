import { readFile, writeFile } from 'node:fs/promises';
import { netnsPath } from '../../host/netns.js';
import { resolveInRoot } from './root-path.js';
import type { CachedRootfs } from './rootfs-cache.js';
import type { WorkloadPaths, WorkloadRecord } from './runc-workload.js';
import { buildRuntimeSpec, hostsFileContent, resolveUser } from './runtime-spec.js';

/** Each workload gets its own cgroup, named after it, so runc removes it whole on delete. */
export function cgroupPathOf(workloadId: string): string {
  return `/strata-runc-${workloadId}`;
}

/**
 * Writes the OCI bundle's config.json (and the /etc/hosts and /etc/hostname it mounts) for
 * the record's size and hostname. The rootfs must be in place: the image's user is looked
 * up in its /etc/passwd.
 */
export async function writeBundle(p: WorkloadPaths, r: WorkloadRecord, image: CachedRootfs): Promise<void> {
  const inRoot = async (file: string) =>
    readFile(await resolveInRoot(p.rootfs.merged, file, true), 'utf8').catch(() => '');
  const user = resolveUser(image.run.user, await inRoot('etc/passwd'), await inRoot('etc/group'));
  const spec = buildRuntimeSpec({
    hostname: r.hostname,
    vcpus: r.vcpus,
    memoryMb: r.memoryMb,
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
  await writeFile(p.config, JSON.stringify(spec, null, 2));
}
