import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../../src/agent/host/command.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from '../compute/compute-api-fixtures.js';
import { createPersonas, expectFault } from '../compute/compute-api-fixtures.js';

type Json = Record<string, unknown>;
const skip = hasCommand('qemu-img') && hasCommand('qemu-io') ? false : 'qemu-img or qemu-io is not installed';
const mib = 1024 * 1024;

for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: block storage v3 backups`, () => {
    let t: TestCloud;
    let p: Personas;
    let pool: string;
    let backupDir: string;
    const vol = (
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      path: string,
      token: string,
      payload?: object,
      version = '3.60',
    ) =>
      t.request({
        method,
        url: `/volume/v3/${p.projectId}${path}`,
        token,
        headers: { 'openstack-api-version': `volume ${version}` },
        ...(payload !== undefined && { payload }),
      });
    async function waitFor(kind: 'volumes' | 'backups', id: string, status: string): Promise<Json> {
      const until = Date.now() + 30_000;
      for (;;) {
        const res = await vol('GET', `/${kind}/${id}`, p.admin);
        if (status === 'gone' && res.statusCode === 404) return {};
        const one = res.statusCode === 200 ? (res.json()[kind.slice(0, -1)] as Json) : {};
        if (one['status'] === status) return one;
        if (Date.now() > until) throw new Error(`${kind} ${id} never ${status}: ${res.body}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    async function volume(size = 1): Promise<string> {
      const res = await vol('POST', '/volumes', p.member, { volume: { size } });
      expect(res.statusCode, res.body).toBe(202);
      const id = res.json().volume.id as string;
      await waitFor('volumes', id, 'available');
      return id;
    }
    async function backup(body: Json): Promise<string> {
      const res = await vol('POST', '/backups', p.member, { backup: body });
      expect(res.statusCode, res.body).toBe(202);
      const id = res.json().backup.id as string;
      await waitFor('backups', id, 'available');
      return id;
    }
    const file = (id: string) => join(pool, `${id}.qcow2`);
    const write = (id: string, pattern: number, at: number) =>
      execFileSync('qemu-io', ['-f', 'qcow2', '-c', `write -P ${pattern} ${at} 64k`, file(id)]);
    const reads = (id: string, pattern: number, at: number): boolean => {
      const args = ['-f', 'qcow2', '-r', '-U', '-c', `read -P ${pattern} ${at} 64k`, file(id)];
      try {
        return !execFileSync('qemu-io', args, { encoding: 'utf8', stdio: 'pipe' }).includes(
          'verification failed',
        );
      } catch {
        return false;
      }
    };
    const setVolumeStatus = (id: string, status: 'in-use' | 'available') =>
      t.cloud.compute.deps.store.db.updateTable('volumes').set({ status }).where('id', '=', id).execute();

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
      pool = join(t.cloud.compute.deps.config.dataDir, 'volumes');
      backupDir = t.cloud.compute.deps.config.volumeBackupDir;
    });
    afterAll(async () => t?.close());

    it("backs up fully and incrementally, with Cinder's fields, and restores the data", async () => {
      const v = await volume();
      write(v, 0x11, 0);
      write(v, 0x12, 5 * mib);
      const res = await vol('POST', '/backups', p.member, {
        backup: { volume_id: v, name: 'full', description: 'd', metadata: { k: 'v' } },
      });
      expect(res.statusCode, res.body).toBe(202);
      expect(Object.keys(res.json().backup as Json).sort()).toEqual(['id', 'links', 'name']);
      const full = String(res.json().backup.id);
      const shown = await waitFor('backups', full, 'available');
      expect(Object.keys(shown).sort()).toEqual(
        [
          'id',
          'status',
          'size',
          'object_count',
          'availability_zone',
          'container',
          'created_at',
          'updated_at',
          'name',
          'description',
          'fail_reason',
          'volume_id',
          'links',
          'is_incremental',
          'has_dependent_backups',
          'snapshot_id',
          'data_timestamp',
          'metadata',
          'os-backup-project-attr:project_id',
          'user_id',
        ].sort(),
      );
      expect(shown).toMatchObject({ size: 1, volume_id: v, is_incremental: false, metadata: { k: 'v' } });
      expect(shown['object_count']).toBe(2);
      const asMember = (await vol('GET', `/backups/${full}`, p.member)).json().backup as Json;
      expect(asMember).not.toHaveProperty('os-backup-project-attr:project_id');
      expect(asMember).not.toHaveProperty('user_id');
      const old = (await vol('GET', `/backups/${full}`, p.member, undefined, '3.0')).json().backup as Json;
      expect(old).not.toHaveProperty('metadata');
      expect((await waitFor('volumes', v, 'available'))['status']).toBe('available');

      write(v, 0x22, 2 * mib);
      const inc = await backup({ volume_id: v, incremental: true, name: 'inc' });
      const incShown = (await vol('GET', `/backups/${inc}`, p.member)).json().backup as Json;
      expect(incShown).toMatchObject({ is_incremental: true, object_count: 1 });
      expect((await vol('GET', `/backups/${full}`, p.member)).json().backup.has_dependent_backups).toBe(true);
      expectFault(
        await vol('DELETE', `/backups/${full}`, p.member),
        400,
        'Invalid backup: Incremental backups exist for this backup.',
      );

      // Overwrite, then restore the incremental onto the same volume.
      write(v, 0x33, 0);
      write(v, 0x33, 2 * mib);
      const r = await vol('POST', `/backups/${inc}/restore`, p.member, { restore: { volume_id: v } });
      expect(r.statusCode, r.body).toBe(202);
      expect(r.json()).toEqual({ restore: { backup_id: inc, volume_id: v, volume_name: null } });
      await waitFor('backups', inc, 'available');
      await waitFor('volumes', v, 'available');
      expect([reads(v, 0x11, 0), reads(v, 0x22, 2 * mib), reads(v, 0x12, 5 * mib)]).toEqual([
        true,
        true,
        true,
      ]);

      // To a new volume: Cinder's default name, the backup's size, the same bytes.
      const n = await vol('POST', `/backups/${full}/restore`, p.member, { restore: null });
      expect(n.statusCode, n.body).toBe(202);
      const nv = String(n.json().restore.volume_id);
      expect(n.json().restore.volume_name).toBe(`restore_backup_${full}`);
      const restored = await waitFor('volumes', nv, 'available');
      expect(restored).toMatchObject({ size: 1, name: `restore_backup_${full}` });
      expect([reads(nv, 0x11, 0), reads(nv, 0x12, 5 * mib), reads(nv, 0, 2 * mib)]).toEqual([
        true,
        true,
        true,
      ]);

      // Private directory; chunks are not the volume's file; faults never show host paths.
      expect(statSync(backupDir).mode & 0o777).toBe(0o700);
      for (const f of readdirSync(join(backupDir, full)))
        expect(statSync(join(backupDir, full, f)).mode & 0o777).toBe(0o600);

      for (const id of [inc, full]) {
        expect((await vol('DELETE', `/backups/${id}`, p.member)).statusCode).toBe(202);
        await waitFor('backups', id, 'gone');
      }
      expect(readdirSync(backupDir)).not.toContain(full);
    });

    it("refuses bad backups and restores with Cinder's messages, changing nothing", async () => {
      const v = await volume();
      expectFault(
        await vol('POST', '/backups', p.member, { backup: { volume_id: v, incremental: true } }),
        400,
        'Invalid backup: No backups available to do an incremental backup.',
      );
      await setVolumeStatus(v, 'in-use');
      expectFault(
        await vol('POST', '/backups', p.member, { backup: { volume_id: v } }),
        400,
        'Invalid volume: Backing up an in-use volume must use the force flag.',
      );
      await setVolumeStatus(v, 'available');
      expectFault(await vol('POST', '/backups', p.reader, { backup: { volume_id: v } }), 403);
      expectFault(
        await vol('POST', '/backups', p.member, { backup: { volume_id: v, metadata: { a: 'b' } } }, '3.42'),
        400,
      );
      expectFault(
        await vol('POST', '/backups', p.member, { backup: { volume_id: crypto.randomUUID() } }),
        404,
      );
      expect((await vol('GET', '/backups', p.member)).json().backups).toEqual([]);

      const b = await backup({ volume_id: v });
      const other = await t.request({
        method: 'GET',
        url: `/volume/v3/${p.otherProjectId}/backups/${b}`,
        token: p.other,
        headers: { 'openstack-api-version': 'volume 3.60' },
      });
      expectFault(other, 404, `Backup ${b} could not be found.`);
      const big = await volume(2);
      const small = await backup({ volume_id: big });
      expectFault(
        await vol('POST', `/backups/${small}/restore`, p.member, { restore: { volume_id: v } }),
        400,
        'Invalid volume: volume size 1 is too small to restore backup of size 2.',
      );
      expect((await vol('GET', `/volumes/${v}`, p.member)).json().volume.status).toBe('available');

      // Quotas: backups and backup_gigabytes.
      const quota = `/os-quota-sets/${p.projectId}`;
      const usage = (await vol('GET', `${quota}?usage=true`, p.member)).json().quota_set as Record<
        string,
        Json
      >;
      expect(usage['backups']).toMatchObject({ in_use: 2 });
      expect(usage['backup_gigabytes']).toMatchObject({ in_use: 3 });
      await vol('PUT', quota, p.admin, { quota_set: { backups: 2 } });
      const over = await vol('POST', '/backups', p.member, { backup: { volume_id: v } });
      expect(over.statusCode, over.body).toBe(413);
      expect(over.json().overLimit.message).toBe('Maximum number of backups allowed (2) exceeded');
      await vol('PUT', quota, p.admin, { quota_set: { backups: 10, backup_gigabytes: 3 } });
      const overGb = await vol('POST', '/backups', p.member, { backup: { volume_id: v } });
      expect(overGb.json().overLimit.message).toBe(
        'Requested backup exceeds allowed Backup gigabytes quota. Requested 1G, quota is 3G and 3G has been consumed.',
      );
      await vol('DELETE', quota, p.admin);

      // Admin actions.
      const action = (token: string, body: object) => vol('POST', `/backups/${b}/action`, token, body);
      expectFault(await action(p.member, { 'os-reset_status': { status: 'error' } }), 403);
      expectFault(await action(p.admin, { 'os-reset_status': { status: 'creating' } }), 400);
      expect((await action(p.admin, { 'os-reset_status': { status: 'error' } })).statusCode).toBe(202);
      expect((await vol('GET', `/backups/${b}`, p.member)).json().backup.status).toBe('error');
      expectFault(await action(p.member, { 'os-force_delete': {} }), 403);
      expect((await action(p.admin, { 'os-force_delete': {} })).statusCode).toBe(202);
      await waitFor('backups', b, 'gone');
    });

    it('lists with paging, count (3.45) and detail; updates at 3.9+', async () => {
      const v = await volume();
      const a = await backup({ volume_id: v, name: 'a' });
      const c = await backup({ volume_id: v, name: 'c' });
      const page = (await vol('GET', `/backups?limit=1&with_count=true&volume_id=${v}`, p.member)).json();
      expect(page.backups).toHaveLength(1);
      expect(page.count).toBe(2);
      expect(page.backups_links[0].rel).toBe('next');
      const detail = (await vol('GET', `/backups/detail?volume_id=${v}`, p.member)).json().backups as Json[];
      expect(detail.map((b) => b['id']).sort()).toEqual([a, c].sort());
      const u = await vol('PUT', `/backups/${a}`, p.member, {
        backup: { name: 'renamed', metadata: { x: '1' } },
      });
      expect(u.statusCode, u.body).toBe(200);
      expect(u.json().backup.name).toBe('renamed');
      expect((await vol('GET', `/backups/${a}`, p.member)).json().backup.metadata).toEqual({ x: '1' });
    });
  });
}
