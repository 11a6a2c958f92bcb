import { defaultVolumeType } from '../types/volume-type-service.js';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkloadDisk } from '../../agent/drivers/driver.js';
import { hasCommand } from '../../agent/host/command.js';
import type { StrataDb } from '../../db/database.js';
import { openDatabase } from '../../db/database.js';
import type { TestDatabase } from '../../db/testing/dialects.js';
import { createTestDatabase, testDialects } from '../../db/testing/dialects.js';
import {
  attachmentsOfVolumes,
  insertVolumeAttachment,
  markDetaching,
} from '../attachments/volume-attachment-store.js';
import type { DiskOnServer, VolumeDeps, VolumeDevicePort } from '../volume-deps.js';
import { VolumePool } from './volume-pool.js';
import { BackupRepository } from '../backups/backup-repository.js';
import { volumeReconciler } from './volume-reconciler.js';
import type { VolumeRecord } from './volume-store.js';
import { getVolume, insertVolume, updateVolumeIf } from './volume-store.js';

/** A device seam whose answers the test sets, recording what the reconciler asked of it. */
class RecordingPort implements VolumeDevicePort {
  readonly calls: string[] = [];
  state: DiskOnServer = { kind: 'absent' };
  async attach(serverId: string, disk: WorkloadDisk) {
    this.calls.push(`attach ${serverId} ${disk.volumeId} ${disk.deviceName ?? ''}`);
  }
  async detach(serverId: string, volumeId: string) {
    this.calls.push(`detach ${serverId} ${volumeId}`);
  }
  async disk() {
    return this.state;
  }
}

const skip = hasCommand('qemu-img') ? false : 'qemu-img is not installed';

for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: volume-reconciler`, () => {
    let testDb: TestDatabase;
    let store: StrataDb;
    let dir: string;
    let deps: VolumeDeps;
    const port = new RecordingPort();
    const signal = new AbortController().signal;
    const r = () => volumeReconciler(deps);

    async function volume(status: VolumeRecord['status']): Promise<string> {
      const id = crypto.randomUUID();
      await insertVolume(store.db, {
        id,
        projectId: 'p',
        userId: 'u',
        name: null,
        description: null,
        size: 1,
        status,
        availabilityZone: 'nova',
        volumeTypeId: (await defaultVolumeType(deps)).id,
        snapshotId: null,
        sourceVolid: null,
        metadata: {},
        createdAt: new Date().toISOString(),
        bootable: false,
        imageId: null,
        imageMetadata: {},
      });
      return id;
    }
    const statusOf = async (id: string) => (await getVolume(store.db, id))?.status;

    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
      store = await openDatabase(testDb.url);
      dir = mkdtempSync(join(tmpdir(), 'strata-vol-'));
      deps = {
        store,
        clock: () => new Date(),
        log: pino({ level: 'silent' }),
        pool: new VolumePool(join(dir, 'volumes')),
        availabilityZone: 'nova',
        serviceUuid: '00000000-0000-5000-8000-000000000000',
        wakeSnapshot: () => undefined,
        wakeBackup: () => undefined,
        backups: new BackupRepository(join(dir, 'backups')),
        images: undefined as unknown as VolumeDeps['images'],
        devices: () => port,
        wake: () => undefined,
      };
    });
    afterAll(async () => {
      await store?.close();
      await testDb?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('finishes a create interrupted after a partial file was written', async () => {
      const id = await volume('creating');
      mkdirSync(deps.pool.dir, { recursive: true, mode: 0o700 });
      writeFileSync(deps.pool.pathOf(id), 'half a qcow2 header');
      expect(await r().listKeys!()).toContain(id);
      expect(await r().reconcile(id, signal)).toEqual({});
      expect(await statusOf(id)).toBe('available');
      const st = statSync(deps.pool.pathOf(id));
      expect(st.mode & 0o777).toBe(0o600);
      expect(st.size).toBeGreaterThan(100_000);
    });

    it('marks the volume error when the pool cannot take its file', async () => {
      const bad = { ...deps, pool: new VolumePool(join(dir, 'not-a-dir', 'volumes')) };
      writeFileSync(join(dir, 'not-a-dir'), '');
      const id = await volume('creating');
      await volumeReconciler(bad).reconcile(id, signal);
      expect(await statusOf(id)).toBe('error');
    });

    it('deletes the file and then the row', async () => {
      const id = await volume('creating');
      await r().reconcile(id, signal);
      await store.db.updateTable('volumes').set({ status: 'deleting' }).where('id', '=', id).execute();
      await r().reconcile(id, signal);
      expect(existsSync(deps.pool.pathOf(id))).toBe(false);
      expect(await getVolume(store.db, id)).toBeUndefined();
    });

    it('replays the attach request of a reservation compute never made, then goes in-use', async () => {
      const id = await volume('attaching');
      await insertVolumeAttachment(
        store.db,
        { id: crypto.randomUUID(), volumeId: id, serverId: 's1', device: '/dev/vdc' },
        '2026-01-01T00:00:00.000Z',
      );
      port.state = { kind: 'absent' };
      expect((await r().reconcile(id, signal)).requeueAfterMs).toBeGreaterThanOrEqual(20);
      expect(port.calls.at(-1)).toBe(`attach s1 ${id} /dev/vdc`);
      port.state = { kind: 'present', desired: 'attached', status: 'attaching', host: 'h1' };
      await r().reconcile(id, signal);
      expect(await statusOf(id)).toBe('attaching');
      port.state = { kind: 'present', desired: 'attached', status: 'attached', host: 'h1' };
      expect(await r().reconcile(id, signal)).toEqual({});
      expect(await statusOf(id)).toBe('in-use');
      const [a] = (await attachmentsOfVolumes(store.db, [id])).get(id)!;
      expect(a).toMatchObject({ attachStatus: 'attached', hostName: 'h1' });
      expect(a!.attachedAt).not.toBeNull();

      // Detach: re-asks compute while the device is still wanted, frees the volume once it is gone.
      await store.db.updateTable('volumes').set({ status: 'detaching' }).where('id', '=', id).execute();
      await markDetaching(store.db, a!.id);
      await r().reconcile(id, signal);
      expect(port.calls.at(-1)).toBe(`detach s1 ${id}`);
      port.state = { kind: 'absent' };
      await r().reconcile(id, signal);
      expect(await statusOf(id)).toBe('available');
      expect((await attachmentsOfVolumes(store.db, [id])).get(id)).toBeUndefined();
    });

    it('frees an in-use volume whose server was deleted, and an attach that failed on the host', async () => {
      const inUse = await volume('in-use');
      await insertVolumeAttachment(
        store.db,
        { id: crypto.randomUUID(), volumeId: inUse, serverId: 's2', device: '/dev/vdb' },
        '2026-01-01T00:00:00.000Z',
      );
      port.state = { kind: 'present', desired: 'attached', status: 'attached', host: 'h1' };
      await r().reconcile(inUse, signal);
      expect(await statusOf(inUse)).toBe('in-use');
      port.state = { kind: 'no-server' };
      await r().reconcile(inUse, signal);
      expect(await statusOf(inUse)).toBe('available');

      const failed = await volume('attaching');
      await insertVolumeAttachment(
        store.db,
        { id: crypto.randomUUID(), volumeId: failed, serverId: 's3', device: '/dev/vdb' },
        '2026-01-01T00:00:00.000Z',
      );
      port.state = { kind: 'present', desired: 'attached', status: 'error', host: 'h1' };
      await r().reconcile(failed, signal);
      expect(port.calls.at(-1)).toBe(`detach s3 ${failed}`);
      expect(await statusOf(failed)).toBe('available');
    });

    it('puts a volume whose detach failed on the host back in use', async () => {
      const id = await volume('detaching');
      await insertVolumeAttachment(
        store.db,
        {
          id: crypto.randomUUID(),
          volumeId: id,
          serverId: 's4',
          device: '/dev/vdb',
          attachStatus: 'detaching',
        },
        '2026-01-01T00:00:00.000Z',
      );
      port.state = { kind: 'present', desired: 'detached', status: 'error', host: 'h1' };
      expect(await r().reconcile(id, signal)).toEqual({});
      expect(await statusOf(id)).toBe('in-use');
      expect((await attachmentsOfVolumes(store.db, [id])).get(id)![0]!.attachStatus).toBe('attached');
    });

    it("does no work for a status an admin's reset set, until the volume moves on", async () => {
      const id = await volume('available');
      const reset = async (status: VolumeRecord['status']) => {
        const v = (await getVolume(store.db, id))!;
        await updateVolumeIf(
          store.db,
          id,
          v.generation,
          { status, status_reset: 1 },
          new Date().toISOString(),
        );
      };
      await reset('creating');
      expect(await r().listKeys!()).not.toContain(id);
      expect(await r().reconcile(id, signal)).toEqual({});
      expect(await statusOf(id)).toBe('creating');
      expect(existsSync(deps.pool.pathOf(id))).toBe(false);

      // Reset to available while a server still has it: the disk and the record stay.
      await insertVolumeAttachment(
        store.db,
        {
          id: crypto.randomUUID(),
          volumeId: id,
          serverId: 's5',
          device: '/dev/vdb',
          attachStatus: 'attached',
        },
        '2026-01-01T00:00:00.000Z',
      );
      await reset('available');
      port.state = { kind: 'present', desired: 'attached', status: 'attached', host: 'h1' };
      const calls = port.calls.length;
      await r().reconcile(id, signal);
      expect(port.calls.length).toBe(calls);
      expect(await statusOf(id)).toBe('available');
      expect((await attachmentsOfVolumes(store.db, [id])).get(id)).toHaveLength(1);

      // A detaching attachment (attach_status=detached) is still taken off, and found after a restart.
      const [a] = (await attachmentsOfVolumes(store.db, [id])).get(id)!;
      await markDetaching(store.db, a!.id);
      expect(await r().listKeys!()).toContain(id);
      await r().reconcile(id, signal);
      expect(port.calls.at(-1)).toBe(`detach s5 ${id}`);
      port.state = { kind: 'absent' };
      await r().reconcile(id, signal);
      expect((await attachmentsOfVolumes(store.db, [id])).get(id)).toBeUndefined();
      expect(await statusOf(id)).toBe('available');
    });
  });
}
