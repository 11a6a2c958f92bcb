import { randomUUID } from 'node:crypto';
import { readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkloadDisk, WorkloadNic } from '../driver.js';
import type { IdMap } from './runc-idmap.js';
import type { RootfsLayout, RootfsMode } from './rootfs.js';
import { rootfsLayout } from './rootfs.js';

/**
 * What the driver keeps about one workload in `<stateDir>/<id>/workload.json`. Written
 * last by create, so its presence means the workload exists; everything else about the
 * workload (is it running?) is read from runc, never from here.
 */
export interface WorkloadRecord {
  readonly version: 1;
  readonly workloadId: string;
  readonly hostname: string;
  readonly imageId: string;
  /** The rootfs cache entry the workload's root is layered on (or was copied from). */
  readonly imageKey: string;
  readonly rootfsMode: RootfsMode;
  readonly vcpus: number;
  readonly memoryMb: number;
  /** Set by stop, cleared by start: a stopped container is down on purpose, not crashed. */
  readonly stopped: boolean;
  /** The size before an unconfirmed resize (what revertResize goes back to). */
  readonly resizedFrom?: { readonly vcpus: number; readonly memoryMb: number };
  /**
   * The named network namespace the container joins; absent for a workload created before
   * the driver had NICs (it runs in an anonymous namespace and takes no devices).
   */
  readonly netns?: string;
  /** Devices in attach order: the spec's at create, then attach and detach. */
  readonly devices?: ReadonlyArray<RecordedDevice>;
  /**
   * The container's user namespace range (see runc-idmap.ts); absent for a workload created
   * before containers were confined (it runs as host root until rebuilt).
   */
  readonly idMap?: IdMap;
  /** The flavor's `quota:pids_max`; absent = the default. */
  readonly pidsMax?: number;
}

/** A device as recorded: a NIC with the interface name it has inside the container. */
export type RecordedDevice =
  | { readonly kind: 'nic'; readonly nic: WorkloadNic; readonly ifName: string }
  | { readonly kind: 'disk'; readonly disk: WorkloadDisk };

/** Files of one workload: the directory is also the OCI bundle (config.json + rootfs/). */
export interface WorkloadPaths {
  readonly dir: string;
  readonly record: string;
  readonly config: string;
  readonly rootfs: RootfsLayout;
  readonly configDrive: string;
  readonly hosts: string;
  readonly hostname: string;
  readonly consoleLog: string;
  /** The FIFO the container's init reads as stdin: the serial console's way in. */
  readonly consoleIn: string;
  readonly runcLog: string;
  /** Shared mount point holding one bound file per disk; the container sees it at /mnt/volumes. */
  readonly volumes: string;
  /** Where a read-only disk is bound and made read-only before it is bound under `volumes`. */
  readonly volumesStaging: string;
  /** The sysfs of the workload's network namespace, which a user-namespaced container binds at /sys. */
  readonly sysfs: string;
}

/** runc's container id rules, which also keep ids from naming paths outside the state dir. */
const validId = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function isValidWorkloadId(id: string): boolean {
  return validId.test(id);
}

export function workloadPaths(stateDir: string, workloadId: string): WorkloadPaths {
  if (!isValidWorkloadId(workloadId)) throw new Error(`runc driver: invalid workload id "${workloadId}"`);
  const dir = join(stateDir, workloadId);
  return {
    dir,
    record: join(dir, 'workload.json'),
    config: join(dir, 'config.json'),
    rootfs: rootfsLayout(dir),
    configDrive: join(dir, 'config-drive'),
    hosts: join(dir, 'hosts'),
    hostname: join(dir, 'hostname'),
    consoleLog: join(dir, 'console.log'),
    consoleIn: join(dir, 'console.in'),
    runcLog: join(dir, 'runc.log'),
    volumes: join(dir, 'volumes'),
    volumesStaging: join(dir, 'volumes-staging'),
    sysfs: join(dir, 'sys'),
  };
}

export async function readRecord(p: WorkloadPaths): Promise<WorkloadRecord | undefined> {
  const text = await readFile(p.record, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as WorkloadRecord);
}

/** Atomic replace, so a crash never leaves half a record. */
export async function writeRecord(p: WorkloadPaths, r: WorkloadRecord): Promise<void> {
  const tmp = `${p.record}.${randomUUID()}.tmp`;
  await writeFile(tmp, JSON.stringify(r, null, 2));
  await rename(tmp, p.record);
}

export async function updateRecord(
  p: WorkloadPaths,
  change: (r: WorkloadRecord) => WorkloadRecord,
): Promise<WorkloadRecord> {
  const next = change(await requireRecord(p));
  await writeRecord(p, next);
  return next;
}

export async function requireRecord(p: WorkloadPaths): Promise<WorkloadRecord> {
  const r = await readRecord(p);
  if (r === undefined) throw new Error(`runc driver: no workload at ${p.dir}`);
  return r;
}

/** The record once a resize is settled: nothing kept to revert to. */
export function withoutResize(r: WorkloadRecord): WorkloadRecord {
  const { resizedFrom: _settled, ...rest } = r;
  return rest;
}

/** The rootfs cache keys the workloads recorded under `stateDir` are built on. */
export async function imageKeysInUse(stateDir: string): Promise<Set<string>> {
  const ids = (await readdir(stateDir).catch(() => [] as string[])).filter(isValidWorkloadId);
  // An unreadable record throws: better no eviction this pass than one under a workload.
  const records = await Promise.all(ids.map((id) => readRecord(workloadPaths(stateDir, id))));
  return new Set(records.flatMap((r) => (r === undefined ? [] : [r.imageKey])));
}
