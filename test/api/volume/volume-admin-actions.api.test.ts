import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeDriver } from '../../../src/agent/drivers/fake/fake-driver.js';
import { hasCommand } from '../../../src/agent/host/command.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from '../compute/compute-api-fixtures.js';
import { createPersonas } from '../compute/compute-api-fixtures.js';
import { volumeRequester } from './volume-fixtures.js';

type Json = Record<string, unknown>;
const skip = hasCommand('qemu-img') ? false : 'qemu-img is not installed';

for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: block storage v3 admin, flag and image-metadata actions`, () => {
    let t: TestCloud;
    let p: Personas;
    const vol = volumeRequester(
      () => t,
      () => p,
    );
    const action = (id: string, payload: object, token = p.member) =>
      vol('POST', `/volumes/${id}/action`, { payload, token });
    const show = async (id: string) =>
      (await vol('GET', `/volumes/${id}`, { token: p.admin })).json().volume as Json;

    async function waitFor(path: string, key: string, want: string): Promise<Json> {
      const until = Date.now() + 15_000;
      for (;;) {
        const res = await vol('GET', path, { token: p.admin });
        if (want === 'gone' && res.statusCode === 404) return {};
        const v = res.statusCode === 200 ? (res.json()[key] as Json) : {};
        if (v['status'] === want) return v;
        if (Date.now() > until) throw new Error(`${path} never ${want}: ${res.body}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    const waitForVolume = (id: string, want: string) => waitFor(`/volumes/${id}`, 'volume', want);
    async function create(body: Json = {}): Promise<string> {
      const res = await vol('POST', '/volumes', { payload: { volume: { size: 1, ...body } } });
      expect(res.statusCode, res.body).toBe(202);
      const id = res.json().volume.id as string;
      await waitForVolume(id, 'available');
      return id;
    }
    async function attachedVolume(): Promise<{ id: string; server: string; attachmentId: string }> {
      const flavor = await createFlavor(t, p.admin, {
        name: `f-${crypto.randomUUID()}`,
        vcpus: 1,
        ram: 64,
        disk: 1,
      });
      const image = await createImage(t, p.admin, `i-${crypto.randomUUID()}`);
      const server = await bootServer(t, p.member, { name: 's', imageRef: image, flavorRef: flavor });
      await waitForServer(t, p.member, server, 'ACTIVE');
      const id = await create();
      const att = await t.request({
        method: 'POST',
        url: `/compute/v2.1/servers/${server}/os-volume_attachments`,
        token: p.member,
        payload: { volumeAttachment: { volumeId: id } },
      });
      expect(att.statusCode, att.body).toBe(200);
      const v = await waitForVolume(id, 'in-use');
      return { id, server, attachmentId: (v['attachments'] as Json[])[0]!['attachment_id'] as string };
    }
    const devicesOf = (server: string) =>
      (t.cloud.compute.agents.driver('fake-0001') as FakeDriver).devices(server);

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
    });
    afterAll(async () => t?.close());

    it('resets status, attach and migration status for admins only, refusing bad values unchanged', async () => {
      const id = await create();
      expect((await action(id, { 'os-reset_status': { status: 'error' } })).statusCode).toBe(403);
      for (const bad of [{ status: 'bogus' }, {}, { migration_status: 'nope' }, { extra: 1 }]) {
        const res = await action(id, { 'os-reset_status': bad }, p.admin);
        expect(res.statusCode, JSON.stringify(bad)).toBe(400);
        expect(res.json().badRequest.code).toBe(400);
      }
      expect(await show(id)).toMatchObject({ status: 'available', migration_status: null });
      for (const status of ['error', 'available', 'maintenance', 'creating']) {
        const res = await action(id, { 'os-reset_status': { status } }, p.admin);
        expect(res.statusCode, res.body).toBe(202);
        expect((await show(id))['status']).toBe(status);
      }
      await action(id, { 'os-reset_status': { migration_status: 'migrating' } }, p.admin);
      expect(await show(id)).toMatchObject({
        status: 'creating',
        migration_status: 'migrating',
        'os-vol-mig-status-attr:migstat': 'migrating',
      });
      await action(id, { 'os-reset_status': { migration_status: 'none' } }, p.admin);
      expect((await show(id))['migration_status']).toBeNull();
    });

    it('force-deletes a volume in any status for admins; the reconciler removes it', async () => {
      const id = await create();
      await action(id, { 'os-reset_status': { status: 'attaching' } }, p.admin);
      expect((await vol('DELETE', `/volumes/${id}`)).statusCode).toBe(400);
      expect((await action(id, { 'os-force_delete': {} })).statusCode).toBe(403);
      expect((await action(id, { 'os-force_delete': {} }, p.admin)).statusCode).toBe(202);
      await waitForVolume(id, 'gone');
    });

    it('force-detaches from an errored volume: the disk leaves the server, the volume is available', async () => {
      const { id, server, attachmentId } = await attachedVolume();
      await action(id, { 'os-reset_status': { status: 'error' } }, p.admin);
      expect((await vol('DELETE', `/volumes/${id}`)).statusCode).toBe(400);
      expect((await action(id, { 'os-force_detach': { attachment_id: attachmentId } })).statusCode).toBe(403);
      const missing = await action(
        id,
        { 'os-force_detach': { attachment_id: crypto.randomUUID() } },
        p.admin,
      );
      expect(missing.statusCode).toBe(404);
      const res = await action(
        id,
        { 'os-force_detach': { attachment_id: attachmentId, connector: null } },
        p.admin,
      );
      expect(res.statusCode, res.body).toBe(202);
      const v = await waitForVolume(id, 'available');
      expect(v['attachments']).toEqual([]);
      expect(await devicesOf(server)).toEqual([]);
    });

    it('a reset to available leaves the disk on its server; attach_status=detached takes it off', async () => {
      const { id, server } = await attachedVolume();
      expect(await devicesOf(server)).toHaveLength(1);
      await action(id, { 'os-reset_status': { status: 'available' } }, p.admin);
      const v = await show(id);
      expect(v['status']).toBe('available');
      // The admin's word is recorded; the attachment and the disk stay, as in Cinder.
      expect(v['attachments']).toHaveLength(1);
      expect(await devicesOf(server)).toHaveLength(1);
      const res = await action(id, { 'os-reset_status': { attach_status: 'detached' } }, p.admin);
      expect(res.statusCode, res.body).toBe(202);
      const until = Date.now() + 15_000;
      while ((await devicesOf(server)).length > 0 || ((await show(id))['attachments'] as Json[]).length > 0) {
        if (Date.now() > until) throw new Error('the disk never left the server');
        await new Promise((r) => setTimeout(r, 25));
      }
      expect((await show(id))['status']).toBe('available');
    });

    it('sets bootable and the readonly flag (shown in metadata as Cinder does)', async () => {
      const id = await create({ metadata: { a: 'b' } });
      for (const [flag, shown] of [
        [true, 'true'],
        ['False', 'false'],
      ] as const) {
        const res = await action(id, { 'os-set_bootable': { bootable: flag } });
        expect(res.statusCode, res.body).toBe(200);
        expect((await show(id))['bootable']).toBe(shown);
      }
      expect((await action(id, { 'os-set_bootable': { bootable: 'maybe' } })).statusCode).toBe(400);
      expect((await action(id, { 'os-set_bootable': {} })).statusCode).toBe(400);
      for (const [flag, shown] of [
        [true, 'True'],
        [false, 'False'],
      ] as const) {
        const res = await action(id, { 'os-update_readonly_flag': { readonly: flag } });
        expect(res.statusCode, res.body).toBe(202);
        expect((await show(id))['metadata']).toEqual({ a: 'b', readonly: shown });
      }
      // The metadata API itself holds only the user's keys.
      expect((await vol('GET', `/volumes/${id}/metadata`)).json().metadata).toEqual({ a: 'b' });
      await action(id, { 'os-reset_status': { status: 'error' } }, p.admin);
      const busy = await action(id, { 'os-update_readonly_flag': { readonly: true } });
      expect(busy.statusCode).toBe(400);
      expect((await show(id))['metadata']).toEqual({ a: 'b', readonly: 'False' });
    });

    it('sets, shows and unsets volume image metadata', async () => {
      const id = await create();
      expect((await show(id))['volume_image_metadata']).toBeUndefined();
      const set = await action(id, {
        'os-set_image_metadata': { metadata: { image_id: 'x', kernel_id: 'k' } },
      });
      expect(set.statusCode, set.body).toBe(200);
      expect(set.json()).toEqual({ metadata: { image_id: 'x', kernel_id: 'k' } });
      expect((await show(id))['volume_image_metadata']).toEqual({ image_id: 'x', kernel_id: 'k' });
      const unset = await action(id, { 'os-unset_image_metadata': { key: 'kernel_id' } });
      expect(unset.statusCode, unset.body).toBe(200);
      const shown = await action(id, { 'os-show_image_metadata': null });
      expect(shown.statusCode).toBe(200);
      expect(shown.json()).toEqual({ metadata: { image_id: 'x' } });
      expect((await action(id, { 'os-unset_image_metadata': { key: 'kernel_id' } })).statusCode).toBe(404);
      expect((await action(id, { 'os-set_image_metadata': { metadata: { k: 1 } } })).statusCode).toBe(400);
      expect((await action(id, { 'os-show_image_metadata': null }, p.reader)).statusCode).toBe(200);
      const refused = await action(id, { 'os-set_image_metadata': { metadata: { k: 'v' } } }, p.reader);
      expect(refused.statusCode).toBe(403);
    });

    it('resets and force-deletes snapshots for admins only; a reset to creating starts no work', async () => {
      const id = await create();
      const res = await vol('POST', '/snapshots', { payload: { snapshot: { volume_id: id } } });
      const snap = res.json().snapshot.id as string;
      await waitFor(`/snapshots/${snap}`, 'snapshot', 'available');
      const act = (payload: object, token = p.admin) =>
        vol('POST', `/snapshots/${snap}/action`, { payload, token });
      expect((await act({ 'os-reset_status': { status: 'error' } }, p.member)).statusCode).toBe(403);
      expect((await act({ 'os-reset_status': { status: 'bogus' } })).statusCode).toBe(400);
      expect((await act({ 'os-reset_status': {} })).statusCode).toBe(400);
      expect((await act({ 'os-reset_status': { status: 'creating' } })).statusCode).toBe(202);
      expect((await vol('GET', `/snapshots/${snap}`)).json().snapshot.status).toBe('creating');
      expect((await act({ 'os-force_delete': {} }, p.member)).statusCode).toBe(403);
      expect((await act({ 'os-force_delete': {} })).statusCode).toBe(202);
      await waitFor(`/snapshots/${snap}`, 'snapshot', 'gone');
    });

    it('summarizes volumes from 3.12 (metadata from 3.36), pages with offset, lists the zone', async () => {
      const other = await t.request({
        method: 'GET',
        url: `/volume/v3/${p.projectId}/volumes/summary`,
        token: p.member,
      });
      expect(other.statusCode).toBe(404);
      const before = (await vol('GET', '/volumes/summary')).json()['volume-summary'] as Json;
      await create({ size: 2, metadata: { tier: 'gold' } });
      const after = (await vol('GET', '/volumes/summary')).json()['volume-summary'] as Json;
      expect(after['total_count']).toBe((before['total_count'] as number) + 1);
      expect(after['total_size']).toBe((before['total_size'] as number) + 2);
      expect((after['metadata'] as Json)['tier']).toEqual(['gold']);
      const old = (await vol('GET', '/volumes/summary', { version: '3.12' })).json()[
        'volume-summary'
      ] as Json;
      expect(Object.keys(old).sort()).toEqual(['total_count', 'total_size']);
      const all = (await vol('GET', '/volumes')).json().volumes as Json[];
      const paged = (await vol('GET', '/volumes?offset=1&limit=1')).json().volumes as Json[];
      expect(paged.map((v) => v['id'])).toEqual([all[1]!['id']]);
      expect((await vol('GET', '/volumes?offset=-1')).statusCode).toBe(400);
      const zones = await vol('GET', '/os-availability-zone');
      expect(zones.json()).toEqual({
        availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true } }],
      });
    });
  });
}
