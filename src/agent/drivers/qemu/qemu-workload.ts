import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkloadDevice } from '../driver.js';

export type Accelerator = 'kvm' | 'tcg';
export type BaseDiskFormat = 'qcow2' | 'raw';

/**
 * Everything of one workload lives in `<stateDir>/<workloadId>/`, so destroy is one
 * `rm -r` and `list` is one `readdir`.
 */
export interface WorkloadPaths {
  readonly dir: string;
  /** VmRecord: what to launch and what the driver last did (survives agent restarts). */
  readonly record: string;
  /** qcow2 overlay backed by the cached base image. */
  readonly disk: string;
  /** The config drive ISO (Nova's name for it). */
  readonly configDrive: string;
  readonly qmp: string;
  readonly pidfile: string;
  readonly console: string;
  /** The serial port's socket (QEMU listens; the remote console connects). */
  readonly serial: string;
  /** Guest RAM and device state written by suspend, read by resume. */
  readonly savedState: string;
  /** The overlay and record resize keeps to revert to. */
  readonly keptDisk: string;
  readonly keptRecord: string;
  /** Snapshot data while it is being converted. */
  readonly snapshotTemp: string;
}

/** Unix socket paths are limited to 107 bytes; QEMU would fail with a vaguer message. */
const maxSocketPath = 107;

export function workloadPaths(stateDir: string, workloadId: string): WorkloadPaths {
  if (!isSafeWorkloadId(workloadId))
    throw new Error(`qemu driver: invalid workload id ${JSON.stringify(workloadId)}`);
  const dir = join(stateDir, workloadId);
  const f = (name: string) => join(dir, name);
  return {
    dir,
    record: f('vm.json'),
    disk: f('disk.qcow2'),
    configDrive: f('disk.config'),
    qmp: f('qmp.sock'),
    pidfile: f('qemu.pid'),
    console: f('console.log'),
    serial: f('serial.sock'),
    savedState: f('suspend.state'),
    keptDisk: f('resize-kept.qcow2'),
    keptRecord: f('resize-kept.json'),
    snapshotTemp: f('snapshot.tmp'),
  };
}

export function checkSocketPath(paths: WorkloadPaths): void {
  // serial.sock is as long as qmp.sock's path plus three bytes.
  if (Buffer.byteLength(paths.serial) > maxSocketPath)
    throw new Error(
      `qemu driver: socket path ${paths.serial} exceeds ${maxSocketPath} bytes; use a shorter state dir`,
    );
}

/** Ids name directories: no separators, no dot-names, nothing a shell or QEMU option would split. */
export function isSafeWorkloadId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(id);
}

/** What the driver knows about one VM, persisted as vm.json. */
export interface VmRecord {
  readonly version: 1;
  readonly workloadId: string;
  readonly name: string;
  readonly vcpus: number;
  readonly memoryMb: number;
  /** Flavor root disk; 0 keeps the image's size. */
  readonly rootGb: number;
  readonly image: { readonly id: string; readonly diskFormat: BaseDiskFormat; readonly basePath: string };
  /** Accelerator of the current (or last) QEMU process. */
  readonly accelerator: Accelerator;
  /** What the driver last made of the VM; a dead process under 'running' was not our doing. */
  readonly power: 'running' | 'paused' | 'stopped' | 'suspended';
  /**
   * NICs and disks in guest order: the spec's at create, then what attach/detach changed.
   * Every launch builds its command line from this list, so a restart keeps them.
   */
  readonly devices: ReadonlyArray<WorkloadDevice>;
  /**
   * Volume ids of the disks the VM was created with: they go before the config drive at
   * every launch, disks attached later after it (qemu-disk-order.ts).
   */
  readonly launchDisks?: ReadonlyArray<string>;
}

export async function readVmRecord(path: string): Promise<VmRecord | undefined> {
  try {
    const rec = JSON.parse(await readFile(path, 'utf8')) as Omit<VmRecord, 'devices'> & Partial<VmRecord>;
    // Records written before devices existed have none.
    return { ...rec, devices: rec.devices ?? [] };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`qemu driver: unreadable ${path}: ${(err as Error).message}`);
  }
}

/** Written to a temporary name and renamed, so a crash never leaves half a record. */
export async function writeVmRecord(path: string, record: VmRecord): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(`${path}.tmp`, JSON.stringify(record, null, 2) + '\n');
  await rename(`${path}.tmp`, path);
}
