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
const serverA = '11111111-1111-4111-8111-111111111111';
const serverB = '22222222-2222-4222-8222-222222222222';

for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: block storage v3 attachments and attach actions`, () => {
    let t: TestCloud;
    let p: Personas;
    let multiType: string;
    const vol = volumeRequester(
      () => t,
      () => p,
    );
    const action = (id: string, payload: object, token?: string) =>
      vol('POST', `/volumes/${id}/action`, { payload, ...(token !== undefined && { token }) });
    const status = async (id: string) => (await vol('GET', `/volumes/${id}`)).json().volume.status as string;

    async function waitForVolume(id: string, want: string): Promise<Json> {
      const until = Date.now() + 15_000;
      for (;;) {
        const v = (await vol('GET', `/volumes/${id}`)).json().volume as Json;
        if (v['status'] === want) return v;
        if (Date.now() > until) throw new Error(`volume ${id} never ${want}: ${JSON.stringify(v)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    async function create(body: Json = {}): Promise<string> {
      const res = await vol('POST', '/volumes', { payload: { volume: { size: 1, ...body } } });
      expect(res.statusCode, res.body).toBe(202);
      const id = res.json().volume.id as string;
      await waitForVolume(id, 'available');
      return id;
    }
    const reserve = (volumeId: string, instance: string, extra: Json = {}, version?: string) =>
      vol('POST', '/attachments', {
        payload: { attachment: { volume_uuid: volumeId, instance_uuid: instance, ...extra } },
        ...(version !== undefined && { version }),
      });

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
      const ty = await vol('POST', '/types', {
        token: p.admin,
        payload: { volume_type: { name: 'multi', extra_specs: { multiattach: '<is> True' } } },
      });
      expect(ty.statusCode, ty.body).toBe(200);
      multiType = ty.json().volume_type.id as string;
    });
    afterAll(async () => t?.close());

    it('serves /attachments from 3.27 only, with the fault Cinder gives older requests', async () => {
      const old = await vol('GET', '/attachments', { version: '3.26' });
      expect(old.statusCode).toBe(404);
      expect(old.json()).toEqual({
        itemNotFound: { code: 404, message: 'The resource could not be found.' },
      });
      expect((await vol('GET', '/attachments', { version: '3.27' })).json()).toEqual({ attachments: [] });
    });

    it('reserves, connects, completes and deletes an attachment, moving the volume with it', async () => {
      const id = await create();
      const r = await reserve(id, serverA);
      expect(r.statusCode, r.body).toBe(200);
      const a = r.json().attachment as Json;
      expect(a).toEqual({
        id: expect.any(String),
        status: 'reserved',
        instance: serverA,
        volume_id: id,
        attached_at: '',
        detached_at: '',
        attach_mode: null,
        connection_info: {},
      });
      expect(await status(id)).toBe('reserved');
      const second = await reserve(id, serverB);
      expect(second.statusCode).toBe(400);
      expect(second.json().badRequest.message).toBe(
        `Invalid volume: Volume ${id} status must be available or downloading`,
      );

      const upd = await vol('PUT', `/attachments/${a['id'] as string}`, {
        payload: { attachment: { connector: { host: 'h1', ip: '10.0.0.5', mountpoint: '/dev/vdc' } } },
      });
      expect(upd.statusCode, upd.body).toBe(200);
      const connected = upd.json().attachment as Json;
      expect(connected).toMatchObject({ status: 'attaching', attach_mode: 'rw' });
      expect(connected['connection_info']).toMatchObject({
        driver_volume_type: 'file',
        data: { volume_id: id, format: 'qcow2', access_mode: 'rw' },
      });
      // The pool's path is the host's business, never a tenant's.
      expect(JSON.stringify(connected['connection_info'])).not.toMatch(/\/volumes\//);
      expect(await status(id)).toBe('attaching');

      const early = await vol('POST', `/attachments/${a['id'] as string}/action`, {
        version: '3.43',
        payload: { 'os-complete': null },
      });
      expect(early.statusCode).toBe(404);
      const done = await vol('POST', `/attachments/${a['id'] as string}/action`, {
        version: '3.44',
        payload: { 'os-complete': null },
      });
      expect(done.statusCode, done.body).toBe(204);
      const v = await waitForVolume(id, 'in-use');
      expect(v['attachments']).toEqual([
        expect.objectContaining({ attachment_id: a['id'], server_id: serverA, device: '/dev/vdc' }),
      ]);
      const shown = (await vol('GET', `/attachments/${a['id'] as string}`)).json().attachment as Json;
      expect(shown['status']).toBe('attached');
      expect(shown['attached_at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);

      const list = await vol('GET', `/attachments?volume_id=${id}`);
      expect(list.json()).toEqual({
        attachments: [{ id: a['id'], status: 'attached', instance: serverA, volume_id: id }],
      });
      // Cinder pages attachments with limit and marker but answers no attachments_links.
      expect((await vol('GET', `/attachments?volume_id=${id}&limit=1`)).json()).toEqual(list.json());
      expect((await vol('GET', '/attachments?instance_id=' + serverB)).json().attachments).toEqual([]);
      expect(
        (await vol('GET', `/attachments/detail?status=reserved&volume_id=${id}`)).json().attachments,
      ).toEqual([]);
      expect((await vol('GET', `/attachments/${a['id'] as string}`, { token: p.other })).statusCode).toBe(
        404,
      );
      expect((await vol('DELETE', `/attachments/${a['id'] as string}`, { token: p.reader })).statusCode).toBe(
        403,
      );

      const del = await vol('DELETE', `/attachments/${a['id'] as string}`);
      expect(del.statusCode).toBe(200);
      expect(del.json()).toEqual({ attachments: [] });
      expect(await status(id)).toBe('available');
      expect((await vol('GET', `/attachments/${a['id'] as string}`)).json().itemNotFound.message).toBe(
        `Volume attachment could not be found with filter: attachment_id = ${a['id'] as string}.`,
      );
    });

    it('refuses bad attachment input with Cinder faults and changes nothing', async () => {
      const id = await create();
      const noInstance = await vol('POST', '/attachments', { payload: { attachment: { volume_uuid: id } } });
      expect(noInstance.json().badRequest.message).toBe("Must specify 'instance_uuid' to create attachment.");
      const tooNew = await reserve(id, serverA, { mode: 'ro' }, '3.53');
      expect(tooNew.statusCode).toBe(400);
      expect(tooNew.json().badRequest.message).toMatch(/mode/);
      const missing = await reserve('00000000-0000-4000-8000-000000000000', serverA);
      expect(missing.statusCode).toBe(404);
      const noConnector = await vol('PUT', '/attachments/00000000-0000-4000-8000-000000000000', {
        payload: { attachment: {} },
      });
      expect(noConnector.statusCode).toBe(400);
      expect(await status(id)).toBe('available');
      expect((await vol('GET', `/attachments?volume_id=${id}`)).json().attachments).toEqual([]);
      const ro = await reserve(id, serverA, { mode: 'ro', connector: { host: 'h' } }, '3.54');
      expect(ro.json().attachment).toMatchObject({ status: 'attaching', attach_mode: 'ro' });
      await vol('DELETE', `/attachments/${ro.json().attachment.id as string}`);
      expect(await status(id)).toBe('available');
    });

    it('lets a multiattach volume take two instances; compute below 2.60 refuses it', async () => {
      const id = await create({ volume_type: 'multi' });
      expect((await vol('GET', `/volumes/${id}`)).json().volume.multiattach).toBe(true);
      const ids: string[] = [];
      for (const s of [serverA, serverB]) {
        const r = await reserve(id, s, { connector: { host: 'h' } });
        expect(r.statusCode, r.body).toBe(200);
        ids.push(r.json().attachment.id as string);
        await vol('POST', `/attachments/${ids.at(-1)!}/action`, { payload: { 'os-complete': null } });
      }
      const v = await waitForVolume(id, 'in-use');
      expect((v['attachments'] as Json[]).map((a) => a['server_id']).sort()).toEqual([serverA, serverB]);
      const ambiguous = await action(id, { 'os-detach': {} });
      expect(ambiguous.json().badRequest.message).toBe(
        'Invalid volume: Detach volume failed: More than one attachment, but no attachment_id provided.',
      );
      await vol('DELETE', `/attachments/${ids[0]!}`);
      expect(await status(id)).toBe('in-use');
      expect((await action(id, { 'os-detach': { attachment_id: ids[1]! } })).statusCode).toBe(202);
      expect(await status(id)).toBe('available');

      const flavor = await createFlavor(t, p.admin, { name: 'mf', vcpus: 1, ram: 64, disk: 1 });
      const image = await createImage(t, p.admin, 'mimg');
      const server = await bootServer(t, p.member, { name: 'ms', imageRef: image, flavorRef: flavor });
      await waitForServer(t, p.member, server, 'ACTIVE');
      const nova = await t.request({
        method: 'POST',
        url: `/compute/v2.1/servers/${server}/os-volume_attachments`,
        token: p.member,
        payload: { volumeAttachment: { volumeId: id } },
      });
      expect(nova.statusCode).toBe(400);
      expect(nova.json().badRequest.message).toBe(
        'Multiattach volumes are only supported starting with compute API version 2.60.',
      );
      expect(await status(id)).toBe('available');
      const bdm = { source_type: 'volume', destination_type: 'volume', uuid: id, boot_index: -1 };
      const boot = await t.request({
        method: 'POST',
        url: '/compute/v2.1/servers',
        token: p.member,
        headers: { 'openstack-api-version': 'compute 2.59' },
        payload: {
          server: {
            name: 'mb',
            imageRef: image,
            flavorRef: flavor,
            networks: 'none',
            block_device_mapping_v2: [bdm],
          },
        },
      });
      expect(boot.statusCode, boot.body).toBe(400);
      expect(boot.json().badRequest.message).toBe(
        'Multiattach volumes are only supported starting with compute API version 2.60.',
      );
      const at60 = await t.request({
        method: 'POST',
        url: `/compute/v2.1/servers/${server}/os-volume_attachments`,
        token: p.member,
        headers: { 'openstack-api-version': 'compute 2.60' },
        payload: { volumeAttachment: { volumeId: id } },
      });
      expect(at60.statusCode, at60.body).toBe(200);
      await waitForVolume(id, 'in-use');
      // From 2.60 a server may also boot with the volume while another server holds it.
      const shared = await t.request({
        method: 'POST',
        url: '/compute/v2.1/servers',
        token: p.member,
        headers: { 'openstack-api-version': 'compute 2.60' },
        payload: {
          server: {
            name: 'mb',
            imageRef: image,
            flavorRef: flavor,
            networks: 'none',
            block_device_mapping_v2: [bdm],
          },
        },
      });
      expect(shared.statusCode, shared.body).toBe(202);
      const second = shared.json().server.id as string;
      await waitForServer(t, p.member, second, 'ACTIVE');
      const both = await waitForVolume(id, 'in-use');
      expect((both['attachments'] as Json[]).map((a) => a['server_id']).sort()).toEqual(
        [server, second].sort(),
      );
      const typeOfVolume = await vol('GET', `/types/${multiType}`, { token: p.admin });
      expect(typeOfVolume.json().volume_type.extra_specs).toEqual({ multiattach: '<is> True' });
    });

    it("walks the legacy attach actions through Cinder's status transitions and faults", async () => {
      const id = await create();
      expect((await action(id, { 'os-reserve': null })).statusCode).toBe(202);
      expect(await status(id)).toBe('attaching');
      const twice = await action(id, { 'os-reserve': null });
      expect(twice.json().badRequest.message).toBe(
        'Invalid volume: Volume status must be available to reserve, but the status is attaching.',
      );
      expect((await action(id, { 'os-unreserve': null })).statusCode).toBe(202);
      expect(await status(id)).toBe('available');
      expect((await action(id, { 'os-reserve': null }, p.reader)).statusCode).toBe(403);

      const conn = await action(id, {
        'os-initialize_connection': { connector: { host: 'h1', mode: 'ro' } },
      });
      expect(conn.statusCode, conn.body).toBe(200);
      expect(conn.json().connection_info).toMatchObject({
        driver_volume_type: 'file',
        data: { volume_id: id, access_mode: 'ro', serial: id },
      });
      expect(conn.json().connection_info.data).not.toHaveProperty('device_path');
      expect((await action(id, { 'os-initialize_connection': {} })).statusCode).toBe(400);

      const noTarget = await action(id, { 'os-attach': { mountpoint: '/dev/vdb' } });
      expect(noTarget.json().badRequest.message).toBe(
        'Invalid request to attach volume to an invalid target',
      );
      await action(id, { 'os-reserve': null });
      const att = await action(id, {
        'os-attach': { instance_uuid: serverA, mountpoint: '/dev/vdb', host_name: 'h1', mode: 'rw' },
      });
      expect(att.statusCode, att.body).toBe(202);
      const v = (await vol('GET', `/volumes/${id}`)).json().volume as Json;
      expect(v['status']).toBe('in-use');
      expect(v['attachments']).toEqual([
        expect.objectContaining({ server_id: serverA, device: '/dev/vdb', volume_id: id }),
      ]);
      const other = await action(id, { 'os-attach': { instance_uuid: serverB, mountpoint: '/dev/vdb' } });
      expect(other.json().badRequest.message).toBe('Invalid volume: volume is already attached');

      expect((await action(id, { 'os-begin_detaching': null })).statusCode).toBe(202);
      expect(await status(id)).toBe('detaching');
      const again = await action(id, { 'os-begin_detaching': null });
      expect(again.json().badRequest.message).toBe(
        "Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.",
      );
      await action(id, { 'os-roll_detaching': null });
      expect(await status(id)).toBe('in-use');
      expect(
        (await action(id, { 'os-terminate_connection': { connector: { host: 'h1' } } })).statusCode,
      ).toBe(202);
      await action(id, { 'os-begin_detaching': null });
      expect((await action(id, { 'os-detach': {} })).statusCode).toBe(202);
      const back = (await vol('GET', `/volumes/${id}`)).json().volume as Json;
      expect(back).toMatchObject({ status: 'available', attachments: [] });
      expect((await vol('DELETE', `/volumes/${id}`)).statusCode).toBe(202);
    });

    it("shows compute's attachments in /attachments; deleting one takes the disk off the server", async () => {
      const flavor = await createFlavor(t, p.admin, { name: 'cf', vcpus: 1, ram: 64, disk: 1 });
      const image = await createImage(t, p.admin, 'cimg');
      const server = await bootServer(t, p.member, { name: 'cs', imageRef: image, flavorRef: flavor });
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
      const attachmentId = (v['attachments'] as Json[])[0]!['attachment_id'] as string;
      const shown = (await vol('GET', `/attachments/${attachmentId}`)).json().attachment as Json;
      expect(shown).toMatchObject({ status: 'attached', instance: server, volume_id: id, attach_mode: 'rw' });
      const busy = await vol('PUT', `/attachments/${attachmentId}`, {
        payload: { attachment: { connector: { host: 'x' } } },
      });
      expect(busy.statusCode).toBe(400);

      expect((await vol('DELETE', `/attachments/${attachmentId}`)).statusCode).toBe(200);
      await waitForVolume(id, 'available');
      const driver = t.cloud.compute.agents.driver('fake-0001') as FakeDriver;
      expect(await driver.devices(server)).toEqual([]);
    });

    it('extends an in-use volume from 3.42: the server is asked for the new size; older versions refuse', async () => {
      const flavor = await createFlavor(t, p.admin, { name: 'xf', vcpus: 1, ram: 64, disk: 1 });
      const image = await createImage(t, p.admin, 'ximg');
      const server = await bootServer(t, p.member, { name: 'xs', imageRef: image, flavorRef: flavor });
      await waitForServer(t, p.member, server, 'ACTIVE');
      const id = await create();
      await t.request({
        method: 'POST',
        url: `/compute/v2.1/servers/${server}/os-volume_attachments`,
        token: p.member,
        payload: { volumeAttachment: { volumeId: id } },
      });
      await waitForVolume(id, 'in-use');
      const old = await vol('POST', `/volumes/${id}/action`, {
        version: '3.41',
        payload: { 'os-extend': { new_size: 2 } },
      });
      expect(old.json().badRequest.message).toBe(
        `Invalid volume: Volume ${id} status must be '{'status': 'available'}' to extend, currently in-use.`,
      );
      const smaller = await vol('POST', `/volumes/${id}/action`, {
        payload: { 'os-extend': { new_size: 1 } },
      });
      expect(smaller.statusCode).toBe(400);
      const res = await vol('POST', `/volumes/${id}/action`, {
        version: '3.42',
        payload: { 'os-extend': { new_size: 2 } },
      });
      expect(res.statusCode, res.body).toBe(202);
      const v = await waitForVolume(id, 'in-use');
      expect(v['size']).toBe(2);
      const driver = t.cloud.compute.agents.driver('fake-0001') as FakeDriver;
      const [disk] = await driver.devices(server);
      expect(disk).toMatchObject({ kind: 'disk', disk: { volumeId: id, sizeBytes: 2 * 1024 ** 3 } });
      // As Cinder's volume-extended event makes Nova do: the server's owner sees it as an action (2.51).
      const actions = `/compute/v2.1/servers/${server}/os-instance-actions`;
      const at51 = { 'openstack-api-version': 'compute 2.51' };
      const listed = await t.request({ method: 'GET', url: actions, token: p.member, headers: at51 });
      const extend = (listed.json().instanceActions as Json[]).filter((a) => a['action'] === 'extend_volume');
      expect(extend).toHaveLength(1);
      const shown = await t.request({
        method: 'GET',
        url: `${actions}/${String(extend[0]!['request_id'])}`,
        token: p.member,
        headers: at51,
      });
      expect(shown.json().instanceAction.events).toMatchObject([
        { event: 'compute_extend_volume', result: 'Success' },
      ]);
    });
  });
}
