import { access, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DiskQos, WorkloadDisk } from '../driver.js';
import { unescapeMountPath } from './rootfs.js';
import { loopsOn } from './runc-volume-loops.js';

/** cgroup v1 blkio throttle limits of one device (0: no limit). */
export interface BlkioLimits {
  readonly read_bps_device: number;
  readonly write_bps_device: number;
  readonly read_iops_device: number;
  readonly write_iops_device: number;
}

/**
 * Cinder's front-end QoS as blkio throttles. blkio has no combined read+write limit and no
 * bursts, so a `total_*` limit bounds each direction (a read or write one wins over it) and
 * the `_max`/`size_iops_sec` keys are not applied.
 */
export function blkioLimitsOf(qos: DiskQos | undefined): BlkioLimits {
  const q = qos ?? {};
  const pick = (own: number | undefined, total: number | undefined) => Math.max(0, own ?? total ?? 0);
  return {
    read_bps_device: pick(q.read_bytes_sec, q.total_bytes_sec),
    write_bps_device: pick(q.write_bytes_sec, q.total_bytes_sec),
    read_iops_device: pick(q.read_iops_sec, q.total_iops_sec),
    write_iops_device: pick(q.write_iops_sec, q.total_iops_sec),
  };
}

/** Where the blkio hierarchy is mounted (cgroup v1); undefined on a host without it. */
export async function blkioMount(mountinfo = '/proc/self/mountinfo'): Promise<string | undefined> {
  const lines = (await readFile(mountinfo, 'utf8')).split('\n');
  for (const line of lines) {
    const [pre, post] = line.split(' - ');
    if (pre === undefined || post === undefined) continue;
    const [fstype, , options] = post.split(' ');
    if (fstype === 'cgroup' && options?.split(',').includes('blkio'))
      return unescapeMountPath(pre.split(' ')[4] ?? '');
  }
  return undefined;
}

/** `major:minor` of a block device such as /dev/loop3 (from sysfs). */
export async function deviceNumberOf(device: string): Promise<string> {
  return (await readFile(`/sys/class/block/${basename(device)}/dev`, 'utf8')).trim();
}

/** The loop device the mounted volume sits on (see runc-volume-fs.ts); undefined when none. */
export async function volumeLoop(staging: string, disk: WorkloadDisk): Promise<string | undefined> {
  const backing = disk.format === 'raw' ? disk.source : join(staging, `${disk.volumeId}.raw`);
  return (await loopsOn(backing))[0];
}

/**
 * Writes the device's four throttle rules in the cgroup (0 removes a rule, so a QoS that
 * lost a key is lifted too). False when the cgroup does not exist: the container is not
 * running, and its next start applies the limits.
 */
export async function throttleDevice(
  cgroupDir: string,
  devnum: string,
  limits: BlkioLimits,
): Promise<boolean> {
  if (!(await exists(cgroupDir))) return false;
  for (const [file, value] of Object.entries(limits))
    await writeFile(join(cgroupDir, `blkio.throttle.${file}`), `${devnum} ${value}\n`);
  return true;
}

/** The current rule of the device in one throttle file (0 when none). */
export async function throttleOf(
  cgroupDir: string,
  file: keyof BlkioLimits,
  devnum: string,
): Promise<number> {
  const text = await readFile(join(cgroupDir, `blkio.throttle.${file}`), 'utf8');
  const line = text.split('\n').find((l) => l.split(' ')[0] === devnum);
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

/**
 * Throttles the volume's loop device in the container's blkio cgroup to the disk's QoS
 * (no QoS: every limit lifted). A host without the blkio controller cannot honour a QoS:
 * that fails the attach rather than run the volume unlimited.
 */
export async function throttleVolume(
  cgroupsPath: string,
  staging: string,
  disk: WorkloadDisk,
): Promise<void> {
  const limits = blkioLimitsOf(disk.qos);
  const limited = Object.values(limits).some((v) => v > 0);
  const mount = await blkioMount();
  if (mount === undefined) {
    if (limited)
      throw new Error(
        `runc driver: volume ${disk.volumeId} has QoS limits but this host has no blkio cgroup`,
      );
    return;
  }
  const loop = await volumeLoop(staging, disk);
  if (loop === undefined) return;
  await throttleDevice(join(mount, cgroupsPath), await deviceNumberOf(loop), limits);
}

/** Lifts the volume's limits before its loop device goes (a later volume may get its number). */
export async function unthrottleVolume(
  cgroupsPath: string,
  staging: string,
  disk: WorkloadDisk,
): Promise<void> {
  const mount = await blkioMount();
  const loop = mount === undefined ? undefined : await volumeLoop(staging, disk);
  if (mount === undefined || loop === undefined) return;
  await throttleDevice(join(mount, cgroupsPath), await deviceNumberOf(loop), blkioLimitsOf(undefined));
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
