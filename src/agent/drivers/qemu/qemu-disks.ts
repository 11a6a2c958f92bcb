import { copyFile, constants, open, rename, rm } from 'node:fs/promises';
import { buildConfigDriveIso } from '../../config-drive/config-drive.js';
import { deviceRefOf, type WorkloadDevice, type WorkloadSpec } from '../driver.js';
import { checkDiskFormat, convertImage, createOverlay, GiB, growImage, imageInfo } from './qemu-image.js';
import { holdBaseImage } from './qemu-base-cache.js';
import { exists, type QemuRuntime } from './qemu-runtime.js';
import { readVmRecord, type VmRecord, type WorkloadPaths } from './qemu-workload.js';

/**
 * Root disk and config drive for `spec`, written beside the live ones (`.new`): the image
 * cached as a base, a qcow2 overlay on it sized to the flavor, and the config drive. A
 * rebuild stages them while the VM still runs, so a bad image never stops it.
 */
export async function stageDisks(
  rt: QemuRuntime,
  paths: WorkloadPaths,
  spec: WorkloadSpec,
  signal?: AbortSignal,
): Promise<VmRecord['image']> {
  if (isVolumeBacked(spec)) {
    await buildConfigDriveIso(spec, `${paths.configDrive}.new`, signal);
    return volumeBackedImage;
  }
  const diskFormat = checkDiskFormat(spec.image.diskFormat);
  if (!spec.image.path) throw new Error(`qemu driver: image ${spec.image.id} has no local file on this host`);
  const image = { id: spec.image.id, path: spec.image.path, diskFormat };
  try {
    // Held until the overlay on it exists: from then on the cache manager sees it in use.
    const { base, release } = await holdBaseImage(rt.cfg.cacheDir, image, signal);
    await createOverlay(base, `${paths.disk}.new`, spec.rootGb * GiB).finally(release);
    // Always attached (Nova attaches it when asked or forced): guests here have no metadata server.
    await buildConfigDriveIso(spec, `${paths.configDrive}.new`, signal);
    return { id: spec.image.id, diskFormat, basePath: base.path };
  } catch (err) {
    await rm(`${paths.disk}.new`, { force: true });
    await rm(`${paths.configDrive}.new`, { force: true });
    throw err;
  }
}

/** A server booted from a volume: no image and a disk with boot index 0 (Nova's image_ref ''). */
export function isVolumeBacked(spec: WorkloadSpec): boolean {
  return !spec.image.path && spec.disks.some((d) => d.bootIndex === 0);
}

/** The record's image of a volume-backed VM: none, so no root disk is made or attached. */
export const volumeBackedImage: VmRecord['image'] = { id: '', diskFormat: 'qcow2', basePath: '' };

/** Puts the staged disks in place (the VM must be off); a volume-backed VM has no root disk. */
export async function commitDisks(paths: WorkloadPaths): Promise<void> {
  if (await exists(`${paths.disk}.new`)) await rename(`${paths.disk}.new`, paths.disk);
  await rename(`${paths.configDrive}.new`, paths.configDrive);
}

/**
 * The record for `spec`, keeping what the spec does not say (accelerator, image) and the
 * devices attached since: the previous record's devices in their order (the spec's version
 * of one it also names), then the spec's devices the record did not have.
 */
export function recordFor(spec: WorkloadSpec, image: VmRecord['image'], prev?: VmRecord): VmRecord {
  return {
    version: 1,
    workloadId: spec.workloadId,
    name: spec.name,
    vcpus: spec.vcpus,
    memoryMb: spec.memoryMb,
    rootGb: spec.rootGb,
    image,
    accelerator: prev?.accelerator ?? 'tcg',
    power: prev?.power ?? 'stopped',
    devices: mergeDevices(prev?.devices ?? [], specDevices(spec)),
  };
}

export function specDevices(spec: WorkloadSpec): WorkloadDevice[] {
  return [
    ...spec.nics.map((nic): WorkloadDevice => ({ kind: 'nic', nic })),
    ...spec.disks.map((disk): WorkloadDevice => ({ kind: 'disk', disk })),
  ];
}

function mergeDevices(
  kept: ReadonlyArray<WorkloadDevice>,
  fromSpec: ReadonlyArray<WorkloadDevice>,
): WorkloadDevice[] {
  const key = (d: WorkloadDevice) => `${deviceRefOf(d).kind}:${deviceRefOf(d).id}`;
  const bySpec = new Map(fromSpec.map((d) => [key(d), d]));
  const merged = kept.map((d) => bySpec.get(key(d)) ?? d);
  const seen = new Set(merged.map(key));
  return [...merged, ...fromSpec.filter((d) => !seen.has(key(d)))];
}

/**
 * The root disk, flattened onto its base, in the source image's format. A running guest is
 * paused meanwhile (QMP stop flushes its writes), then continues. The temporary file is
 * unlinked once open, so nothing stays behind whatever the reader does.
 */
export async function snapshotDisk(rt: QemuRuntime, paths: WorkloadPaths, signal?: AbortSignal) {
  const rec = await rt.record(paths);
  const vm = rt.vm(paths);
  const status = await vm.status();
  if (status === 'running') await vm.command('stop');
  try {
    await convertImage(paths.disk, 'qcow2', paths.snapshotTemp, rec.image.diskFormat, {
      forceShare: status !== undefined,
      signal,
    });
  } catch (err) {
    await rm(paths.snapshotTemp, { force: true });
    throw err;
  } finally {
    if (status === 'running') await vm.command('cont');
  }
  const fh = await open(paths.snapshotTemp, 'r');
  await rm(paths.snapshotTemp, { force: true });
  return fh.createReadStream();
}

/** Fails before anything stops: a root disk only grows (a volume-backed VM has none here). */
export async function checkGrowable(paths: WorkloadPaths, rec: VmRecord, rootGb: number): Promise<void> {
  if (rootGb === 0 || !hasLocalRoot(rec)) return;
  const { virtualSize } = await imageInfo(paths.disk, 'qcow2', true);
  if (rootGb * GiB < virtualSize)
    throw new Error(
      `qemu driver: cannot shrink the root disk from ${virtualSize / GiB} GiB to ${rootGb} GiB`,
    );
}

/** Whether the VM has a root disk of its own; one booted from a volume has none (image ''). */
export function hasLocalRoot(rec: Pick<VmRecord, 'image'>): boolean {
  return rec.image.id !== '';
}

/**
 * Keeps the record (and the local root disk, if any) to revert to; a second resize before
 * confirming keeps the first. A volume-backed VM's root stays on its volume, untouched.
 */
export async function keepForRevert(paths: WorkloadPaths, rec: VmRecord): Promise<void> {
  if (await exists(paths.keptRecord)) return;
  if (hasLocalRoot(rec)) await copyFile(paths.disk, paths.keptDisk, constants.COPYFILE_FICLONE);
  await copyFile(paths.record, paths.keptRecord);
}

/** Puts back what resize kept; returns the record kept with it, if any. */
export async function restoreKept(paths: WorkloadPaths): Promise<VmRecord | undefined> {
  const kept = await readVmRecord(paths.keptRecord);
  if (kept === undefined) return undefined;
  if (hasLocalRoot(kept)) {
    if (!(await exists(paths.keptDisk))) return undefined;
    await rename(paths.keptDisk, paths.disk);
  }
  await rm(paths.keptRecord, { force: true });
  return kept;
}

export async function dropKept(paths: WorkloadPaths): Promise<void> {
  await rm(paths.keptRecord, { force: true });
  await rm(paths.keptDisk, { force: true });
}

/** To the flavor's root_gb; a volume-backed VM's root is its volume's size, not the flavor's. */
export async function growRootDisk(paths: WorkloadPaths, rec: VmRecord, rootGb: number): Promise<void> {
  if (rootGb > 0 && hasLocalRoot(rec)) await growImage(paths.disk, rootGb * GiB);
}
