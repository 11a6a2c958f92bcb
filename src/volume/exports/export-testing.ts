import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { WorkloadDisk } from '../../agent/drivers/driver.js';
import type { StrataDb } from '../../db/database.js';
import type { VolumeDeps, VolumeExportDeps } from '../volume-deps.js';
import { VolumePool } from '../volumes/volume-pool.js';
import { insertVolumeAttachment } from '../attachments/volume-attachment-store.js';
import { defaultVolumeType } from '../types/volume-type-service.js';
import { insertVolume } from '../volumes/volume-store.js';

/** Volume deps for export tests: a pool in `poolDir`, no compute, the given export server. */
export function exportTestDeps(store: StrataDb, poolDir: string, exports: VolumeExportDeps): VolumeDeps {
  return {
    store,
    clock: () => new Date(),
    log: pino({ level: 'silent' }),
    pool: new VolumePool(poolDir),
    backups: undefined as unknown as VolumeDeps['backups'],
    availabilityZone: 'nova',
    serviceUuid: '00000000-0000-5000-8000-000000000000',
    devices: () => {
      throw new Error('no compute here');
    },
    wake: () => undefined,
    wakeSnapshot: () => undefined,
    wakeBackup: () => undefined,
    images: undefined as unknown as VolumeDeps['images'],
    exports,
  };
}

/** An in-use 1 GiB volume attached (compute-driven) to `serverId`; returns the attachment id. */
export async function attachedVolume(deps: VolumeDeps, volumeId: string, serverId: string): Promise<string> {
  const now = new Date().toISOString();
  await insertVolume(deps.store.db, {
    id: volumeId,
    projectId: 'p',
    userId: 'u',
    name: null,
    description: null,
    size: 1,
    status: 'in-use',
    availabilityZone: 'nova',
    volumeTypeId: (await defaultVolumeType(deps)).id,
    snapshotId: null,
    sourceVolid: null,
    bootable: false,
    imageId: null,
    imageMetadata: {},
    metadata: {},
    createdAt: now,
  });
  const id = crypto.randomUUID();
  await insertVolumeAttachment(
    deps.store.db,
    { id, volumeId, serverId, device: '/dev/vdb', attachStatus: 'attached', driver: 'compute' },
    now,
  );
  return id;
}

/**
 * How qemu-img/qemu-io open an NBD disk as a client in tests: `--image-opts` options and,
 * for a disk with TLS, a `tls-creds-psk` object whose keys.psk is written under `dir`.
 */
export function nbdClientArgs(disk: WorkloadDisk, dir: string): { objects: string[]; imageOpts: string } {
  const url = new URL(disk.source);
  const opts = [
    'driver=raw',
    'file.driver=nbd',
    'file.server.type=inet',
    `file.server.host=${url.hostname}`,
    `file.server.port=${url.port}`,
    `file.export=${decodeURIComponent(url.pathname.slice(1))}`,
  ];
  if (disk.nbdTls === undefined) return { objects: [], imageOpts: opts.join(',') };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'keys.psk'), `${disk.nbdTls.identity}:${disk.nbdTls.key}\n`, { mode: 0o600 });
  return {
    objects: ['--object', `tls-creds-psk,id=t0,endpoint=client,dir=${dir},username=${disk.nbdTls.identity}`],
    imageOpts: [...opts, 'file.tls-creds=t0'].join(','),
  };
}
