import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkloadDisk } from '../../agent/drivers/driver.js';
import type { StrataDb } from '../../db/database.js';
import { openDatabase } from '../../db/database.js';
import type { TestDatabase } from '../../db/testing/dialects.js';
import { createTestDatabase, testDialects } from '../../db/testing/dialects.js';
import type { VolumeDeps } from '../volume-deps.js';
import { deleteVolumeAttachment, getVolumeAttachment } from '../attachments/volume-attachment-store.js';
import { attachedVolume, exportTestDeps } from './export-testing.js';
import type { ExportSpec, NbdExportServer } from './nbd-export-server.js';
import { diskForHost, syncExports } from './volume-export-service.js';
import { listVolumeExports } from './volume-export-store.js';

const poolDir = '/srv/pool-that-tenants-must-not-see';

/** The export server in memory: what it serves, and how often it was started. */
class MemoryExportServer implements NbdExportServer {
  readonly address = { host: '192.0.2.10', port: 10809 };
  live = new Map<string, ExportSpec>();
  up = false;
  starts = 0;

  sync(want: ReadonlyArray<ExportSpec>): Promise<void> {
    if (!this.up && want.length > 0) {
      this.up = true;
      this.starts++;
    }
    this.live = new Map(want.map((w) => [w.name, w]));
    return Promise.resolve();
  }
  served(): Promise<ReadonlyArray<string>> {
    return Promise.resolve(this.up ? [...this.live.keys()] : []);
  }
  grow(volumeId: string): Promise<boolean> {
    return Promise.resolve(this.up && [...this.live.values()].some((e) => e.volumeId === volumeId));
  }
  /** kill -9: every export gone with the process. */
  crash(): void {
    this.up = false;
    this.live.clear();
  }
  stop(): Promise<void> {
    this.crash();
    return Promise.resolve();
  }
}

for (const dialect of testDialects()) {
  describe(`${dialect}: volume-export-service`, () => {
    let testDb: TestDatabase;
    let store: StrataDb;
    let server: MemoryExportServer;
    let deps: VolumeDeps;

    const fileDisk = (volumeId: string): WorkloadDisk => ({
      volumeId,
      source: `${poolDir}/${volumeId}.qcow2`,
      format: 'qcow2',
      readOnly: false,
      deviceName: '/dev/vdb',
    });

    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
      store = await openDatabase(testDb.url);
      server = new MemoryExportServer();
      deps = exportTestDeps(store, poolDir, { backendHost: 'backend', server });
    });
    afterAll(async () => {
      await store?.close();
      await testDb?.drop();
    });

    it('hands the backend host the pool file and exports nothing', async () => {
      const v = crypto.randomUUID();
      await attachedVolume(deps, v, 'server-local');
      expect(await diskForHost(deps, 'server-local', 'backend', fileDisk(v))).toEqual(fileDisk(v));
      expect(await diskForHost(deps, 'server-local', null, fileDisk(v))).toEqual(fileDisk(v));
      expect(await listVolumeExports(store.db)).toEqual([]);
      expect(server.starts).toBe(0);
    });

    it('exports the volume per attachment for another host, served before it answers, with no host path in it', async () => {
      const v = crypto.randomUUID();
      const a = await attachedVolume(deps, v, 'server-remote');
      const disk = await diskForHost(deps, 'server-remote', 'compute-2', fileDisk(v));
      expect(disk).toEqual({
        ...fileDisk(v),
        source: `nbd://192.0.2.10:10809/attachment-${a}`,
        format: 'raw',
      });
      expect(await server.served()).toEqual([`attachment-${a}`]);
      expect(server.live.get(`attachment-${a}`)).toEqual({
        name: `attachment-${a}`,
        volumeId: v,
        path: `${poolDir}/${v}.qcow2`,
        readOnly: false,
      });
      const info = (await getVolumeAttachment(store.db, a))?.connectionInfo;
      expect(info).toMatchObject({
        driver_volume_type: 'nbd',
        data: { host: '192.0.2.10', port: 10809, export_name: `attachment-${a}`, format: 'raw' },
      });
      expect(JSON.stringify(info)).not.toContain(poolDir);
      // Asking again (every agent pass) changes nothing.
      expect(await diskForHost(deps, 'server-remote', 'compute-2', fileDisk(v))).toEqual(disk);
      expect((await listVolumeExports(store.db)).map((e) => e.attachmentId)).toEqual([a]);
    });

    it('re-creates every export of a live attachment after the server died (kill -9) or the control plane restarted', async () => {
      const before = [...(await server.served())].sort();
      expect(before.length).toBeGreaterThan(0);
      server.crash();
      expect(await server.served()).toEqual([]);
      // A restarted control plane: new deps over the same database.
      const again = exportTestDeps(store, poolDir, { backendHost: 'backend', server });
      await syncExports(again);
      expect([...(await server.served())].sort()).toEqual(before);
    });

    it('removes the export of a detached attachment, then its row', async () => {
      const v = crypto.randomUUID();
      const a = await attachedVolume(deps, v, 'server-gone');
      await diskForHost(deps, 'server-gone', 'compute-3', fileDisk(v));
      expect(await server.served()).toContain(`attachment-${a}`);
      await deleteVolumeAttachment(store.db, a);
      await syncExports(deps);
      expect(await server.served()).not.toContain(`attachment-${a}`);
      expect((await listVolumeExports(store.db)).map((e) => e.attachmentId)).not.toContain(a);
    });

    it('follows a server to a new host, and gives a disk no longer attached as it is', async () => {
      const v = crypto.randomUUID();
      const a = await attachedVolume(deps, v, 'server-moving');
      await diskForHost(deps, 'server-moving', 'compute-4', fileDisk(v));
      await diskForHost(deps, 'server-moving', 'compute-5', fileDisk(v));
      expect((await listVolumeExports(store.db)).find((e) => e.attachmentId === a)?.host).toBe('compute-5');
      const other = crypto.randomUUID();
      expect(await diskForHost(deps, 'server-moving', 'compute-5', fileDisk(other))).toEqual(fileDisk(other));
    });
  });
}
