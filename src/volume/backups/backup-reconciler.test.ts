import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../agent/host/command.js';
import type { StrataDb } from '../../db/database.js';
import { openDatabase } from '../../db/database.js';
import type { TestDatabase } from '../../db/testing/dialects.js';
import { createTestDatabase, testDialects } from '../../db/testing/dialects.js';
import { defaultVolumeType } from '../types/volume-type-service.js';
import type { VolumeDeps } from '../volume-deps.js';
import { VolumePool } from '../volumes/volume-pool.js';
import { getVolume, insertVolume } from '../volumes/volume-store.js';
import { BackupRepository } from './backup-repository.js';
import { backupReconciler } from './backup-reconciler.js';
import { getBackup, insertBackup } from './backup-store.js';

const skip = hasCommand('qemu-img') && hasCommand('qemu-io') ? false : 'qemu-img or qemu-io is not installed';

for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: backup-reconciler`, () => {
    let testDb: TestDatabase;
    let store: StrataDb;
    let dir: string;
    let deps: VolumeDeps;
    const signal = new AbortController().signal;

    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
      store = await openDatabase(testDb.url);
      dir = mkdtempSync(join(tmpdir(), 'strata-backup-'));
      deps = {
        store,
        clock: () => new Date(),
        log: pino({ level: 'silent' }),
        pool: new VolumePool(join(dir, 'volumes')),
        backups: new BackupRepository(join(dir, 'backups')),
        availabilityZone: 'nova',
        serviceUuid: '00000000-0000-5000-8000-000000000000',
        devices: () => {
          throw new Error('no compute here');
        },
        wake: () => undefined,
        wakeSnapshot: () => undefined,
        wakeBackup: () => undefined,
        images: undefined as unknown as VolumeDeps['images'],
      };
    });
    afterAll(async () => {
      await store?.close();
      await testDb?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('starts a backup interrupted by kill -9 again: never available with partial data', async () => {
      const volumeId = crypto.randomUUID();
      const now = new Date().toISOString();
      await insertVolume(store.db, {
        id: volumeId,
        projectId: 'p',
        userId: 'u',
        name: null,
        description: null,
        size: 1,
        status: 'backing-up',
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
      const path = await deps.pool.create(volumeId, 1);
      execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5a 3M 64k', path]);
      const id = crypto.randomUUID();
      await insertBackup(store.db, {
        id,
        volumeId,
        projectId: 'p',
        userId: 'u',
        name: null,
        description: null,
        size: 1,
        container: null,
        availabilityZone: 'nova',
        status: 'creating',
        parentId: null,
        snapshotId: null,
        dataTimestamp: now,
        metadata: {},
        createdAt: now,
      });
      // What a crash mid-backup leaves: a folder with a stray chunk and no manifest.
      const folder = join(deps.backups.dir, id);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'chunk-00000007.gz'), 'torn');
      expect(await deps.backups.manifest(id)).toBeUndefined();

      const r = backupReconciler(deps);
      expect(await r.listKeys!()).toContain(id);
      expect(await r.reconcile(id, signal)).toEqual({});
      const b = await getBackup(store.db, id);
      expect(b).toMatchObject({ status: 'available', objectCount: 1 });
      expect(readdirSync(folder).sort()).toEqual(['chunk-00000003.gz', 'manifest.json']);
      expect((await getVolume(store.db, volumeId))?.status).toBe('available');

      // The backup restores to the bytes written.
      execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x11 3M 64k', path]);
      await deps.backups.restore(id, path);
      const out = execFileSync('qemu-io', ['-f', 'qcow2', '-r', '-c', 'read -P 0x5a 3M 64k', path], {
        encoding: 'utf8',
      });
      expect(out).not.toContain('verification failed');
      expect(existsSync(join(folder, 'volume.raw.tmp'))).toBe(false);
    });
  });
}
