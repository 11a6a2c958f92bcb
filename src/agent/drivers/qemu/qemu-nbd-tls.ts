import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkloadDevice, WorkloadDisk } from '../driver.js';
import { deviceIds } from './qemu-device-ids.js';

/** The QOM id of a disk's TLS credentials object (one per NBD disk, named like its node). */
export function tlsCredsIdOf(volumeId: string): string {
  return `tls-${deviceIds({ kind: 'disk', id: volumeId }).backend.slice(4)}`;
}

/** Where the disk's keys.psk lives: inside the VM's own directory of the agent's data dir. */
export function tlsDirOf(vmDir: string, volumeId: string): string {
  return join(vmDir, 'nbd-tls', tlsCredsIdOf(volumeId));
}

/** object-add arguments of a TLS-PSK client for an NBD disk; undefined for a disk without TLS. */
export function nbdTlsObject(vmDir: string, disk: WorkloadDisk): Record<string, unknown> | undefined {
  if (disk.nbdTls === undefined) return undefined;
  return {
    'qom-type': 'tls-creds-psk',
    id: tlsCredsIdOf(disk.volumeId),
    endpoint: 'client',
    dir: tlsDirOf(vmDir, disk.volumeId),
    username: disk.nbdTls.identity,
  };
}

/**
 * Writes the disk's key where QEMU reads it (dir 0700, keys.psk 0600: the key never leaves
 * the agent's private data dir). Before every launch and hot attach; idempotent.
 */
export async function writeNbdTlsKey(vmDir: string, disk: WorkloadDisk): Promise<void> {
  if (disk.nbdTls === undefined) return;
  const dir = tlsDirOf(vmDir, disk.volumeId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, 'keys.psk.tmp');
  await writeFile(tmp, `${disk.nbdTls.identity}:${disk.nbdTls.key}\n`, { mode: 0o600 });
  await rename(tmp, join(dir, 'keys.psk'));
}

/** The keys of every NBD disk of a launch. */
export async function writeNbdTlsKeys(vmDir: string, devices: ReadonlyArray<WorkloadDevice>): Promise<void> {
  for (const d of devices) if (d.kind === 'disk') await writeNbdTlsKey(vmDir, d.disk);
}

/** Removes a detached disk's key. */
export async function removeNbdTlsKey(vmDir: string, volumeId: string): Promise<void> {
  await rm(tlsDirOf(vmDir, volumeId), { recursive: true, force: true });
}
