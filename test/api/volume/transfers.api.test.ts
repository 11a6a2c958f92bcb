import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../../src/agent/host/command.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from '../compute/compute-api-fixtures.js';
import { createPersonas, expectFault } from '../compute/compute-api-fixtures.js';

type Json = Record<string, unknown>;
const skip = hasCommand('qemu-img') ? false : 'qemu-img is not installed';

for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: block storage v3 volume transfers`, () => {
    let t: TestCloud;
    let p: Personas;
    const call = (
      project: 'mine' | 'other',
      method: 'GET' | 'POST' | 'DELETE',
      path: string,
      payload?: object,
      version = '3.60',
    ) =>
      t.request({
        method,
        url: `/volume/v3/${project === 'mine' ? p.projectId : p.otherProjectId}${path}`,
        token: project === 'mine' ? p.member : p.other,
        headers: { 'openstack-api-version': `volume ${version}` },
        ...(payload !== undefined && { payload }),
      });
    async function waitFor(kind: 'volumes' | 'snapshots', id: string, status: string): Promise<void> {
      const until = Date.now() + 20_000;
      for (;;) {
        const res = await t.request({
          method: 'GET',
          url: `/volume/v3/${p.projectId}/${kind}/${id}`,
          token: p.admin,
        });
        if (res.statusCode === 200 && res.json()[kind.slice(0, -1)].status === status) return;
        if (Date.now() > until) throw new Error(`${kind} ${id} never ${status}: ${res.body}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    async function volumeWithSnapshot(): Promise<{ volume: string; snapshot: string }> {
      const v = await call('mine', 'POST', '/volumes', { volume: { size: 1 } });
      const volume = String(v.json().volume.id);
      await waitFor('volumes', volume, 'available');
      const s = await call('mine', 'POST', '/snapshots', { snapshot: { volume_id: volume } });
      const snapshot = String(s.json().snapshot.id);
      await waitFor('snapshots', snapshot, 'available');
      return { volume, snapshot };
    }
    const usage = async (project: 'mine' | 'other') => {
      const id = project === 'mine' ? p.projectId : p.otherProjectId;
      const q = (await call(project, 'GET', `/os-quota-sets/${id}?usage=true`)).json().quota_set as Record<
        string,
        Json
      >;
      return [q['volumes']!['in_use'], q['snapshots']!['in_use'], q['gigabytes']!['in_use']];
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
    });
    afterAll(async () => t?.close());

    it('moves a volume and its snapshots to the accepting project with the auth key', async () => {
      const { volume, snapshot } = await volumeWithSnapshot();
      const [mineBefore, otherBefore] = [await usage('mine'), await usage('other')];
      const res = await call('mine', 'POST', '/volume-transfers', {
        transfer: { volume_id: volume, name: 'tx' },
      });
      expect(res.statusCode, res.body).toBe(202);
      const created = res.json().transfer as Json;
      // At 3.60: no_snapshots (3.55) and the history (3.57) beside Cinder's create fields.
      expect(Object.keys(created).sort()).toEqual([
        'accepted',
        'auth_key',
        'created_at',
        'destination_project_id',
        'id',
        'links',
        'name',
        'no_snapshots',
        'source_project_id',
        'volume_id',
      ]);
      expect(String(created['auth_key'])).toHaveLength(16);
      const id = String(created['id']);
      expect((await call('mine', 'GET', `/volumes/${volume}`)).json().volume.status).toBe(
        'awaiting-transfer',
      );
      const shown = (await call('mine', 'GET', `/volume-transfers/${id}`)).json().transfer as Json;
      expect(shown).toMatchObject({
        id,
        accepted: false,
        source_project_id: p.projectId,
        destination_project_id: null,
      });
      const old = (await call('mine', 'GET', `/os-volume-transfer/${id}`, undefined, '3.0')).json()
        .transfer as Json;
      expect(Object.keys(old).sort()).toEqual(['created_at', 'id', 'links', 'name', 'volume_id']);
      expectFault(
        await call('other', 'GET', `/os-volume-transfer/${id}`),
        404,
        `Transfer ${id} could not be found.`,
      );
      expectFault(await call('mine', 'DELETE', `/volumes/${volume}`), 400);

      expectFault(
        await call('other', 'POST', `/os-volume-transfer/${id}/accept`, { accept: { auth_key: 'wrong' } }),
        400,
        `Invalid auth key: Attempt to transfer ${id} with invalid auth key.`,
      );
      const accepted = await call('other', 'POST', `/os-volume-transfer/${id}/accept`, {
        accept: { auth_key: created['auth_key'] },
      });
      expect(accepted.statusCode, accepted.body).toBe(202);
      expect(accepted.json().transfer).toMatchObject({ id, volume_id: volume, name: 'tx' });
      const moved = (await call('other', 'GET', `/volumes/${volume}`)).json().volume as Json;
      expect(moved['status']).toBe('available');
      expect((await call('other', 'GET', `/snapshots/${snapshot}`)).statusCode).toBe(200);
      expectFault(await call('mine', 'GET', `/volumes/${volume}`), 404);
      expect(await usage('mine')).toEqual([
        Number(mineBefore[0]) - 1,
        Number(mineBefore[1]) - 1,
        Number(mineBefore[2]) - 2,
      ]);
      expect(await usage('other')).toEqual([
        Number(otherBefore[0]) + 1,
        Number(otherBefore[1]) + 1,
        Number(otherBefore[2]) + 2,
      ]);
      expectFault(
        await call('other', 'POST', `/os-volume-transfer/${id}/accept`, { accept: { auth_key: 'x' } }),
        404,
      );
    });

    it('leaves snapshots behind with no_snapshots (3.55), pages at 3.59, and cancels', async () => {
      const { volume, snapshot } = await volumeWithSnapshot();
      expectFault(await call('mine', 'GET', '/volume-transfers', undefined, '3.54'), 404);
      expectFault(
        await call(
          'mine',
          'POST',
          '/os-volume-transfer',
          { transfer: { volume_id: volume, no_snapshots: true } },
          '3.54',
        ),
        400,
      );
      const res = await call('mine', 'POST', '/volume-transfers', {
        transfer: { volume_id: volume, no_snapshots: true },
      });
      expect(res.statusCode, res.body).toBe(202);
      // Create answers with no_snapshots (3.55) and the history (3.57), as Cinder's view does.
      expect(res.json().transfer).toMatchObject({
        no_snapshots: true,
        source_project_id: p.projectId,
        destination_project_id: null,
        accepted: false,
      });
      const shown = await call('mine', 'GET', `/volume-transfers/${String(res.json().transfer.id)}`);
      expect(shown.json().transfer).toMatchObject({ no_snapshots: true, accepted: false });
      const at56 = await call('mine', 'GET', '/volume-transfers/detail', undefined, '3.56');
      expect(at56.json().transfers[0]).toHaveProperty('no_snapshots', true);
      expect(at56.json().transfers[0]).not.toHaveProperty('accepted');
      const second = await volumeWithSnapshot();
      const other = await call('mine', 'POST', '/os-volume-transfer', {
        transfer: { volume_id: second.volume },
      });
      expect(other.statusCode, other.body).toBe(202);
      const page = (await call('mine', 'GET', '/volume-transfers?limit=1&sort=created_at:asc')).json();
      expect(page.transfers).toHaveLength(1);
      expect(page.transfers[0].id).toBe(res.json().transfer.id);
      expect(page.transfers_links[0].rel).toBe('next');
      expect((await call('mine', 'GET', '/os-volume-transfer/detail')).json().transfers).toHaveLength(2);

      const accepted = await call('other', 'POST', `/volume-transfers/${res.json().transfer.id}/accept`, {
        accept: { auth_key: res.json().transfer.auth_key },
      });
      expect(accepted.statusCode, accepted.body).toBe(202);
      expect((await call('mine', 'GET', `/snapshots/${snapshot}`)).statusCode).toBe(200);
      expectFault(await call('other', 'GET', `/snapshots/${snapshot}`), 404);

      expect(
        (await call('mine', 'DELETE', `/os-volume-transfer/${other.json().transfer.id}`)).statusCode,
      ).toBe(202);
      expect((await call('mine', 'GET', `/volumes/${second.volume}`)).json().volume.status).toBe('available');
      expect((await call('mine', 'GET', '/os-volume-transfer')).json().transfers).toEqual([]);
    });
  });
}
