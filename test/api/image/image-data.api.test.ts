import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from './image-fixtures.js';
import { imageApi, imageClient, projectUser, startImageCloud, waitForStatus } from './image-fixtures.js';

const tail = '<br /><br />\n\n\n';
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

for (const dialect of testDialects()) {
  describe(`${dialect}: image data API`, () => {
    let t: TestCloud;
    let admin: string;
    let alice: ProjectUser;
    let bob: ProjectUser;
    let api: ReturnType<typeof imageClient>;
    const data = randomBytes(256 * 1024 + 7);
    beforeAll(async () => {
      t = await startImageCloud(dialect);
      admin = await t.adminToken();
      api = imageClient(t);
      alice = await projectUser(t, admin, 'alice');
      bob = await projectUser(t, admin, 'bob');
    });
    afterAll(async () => t?.close());

    async function activeImage(body: Record<string, unknown> = {}): Promise<string> {
      const id = (await api.create(alice.token, body)).id as string;
      expect((await api.upload(alice.token, id, data)).statusCode).toBe(204);
      return id;
    }

    it('stores uploaded data with its size and hashes, and serves the same bytes', async () => {
      const id = (await api.create(alice.token, { name: 'disk' })).id as string;
      const up = await api.upload(alice.token, id, data);
      expect(up.statusCode).toBe(204);
      expect(up.body).toBe('');
      const image = (await api.show(alice.token, id)).json();
      expect(image).toMatchObject({
        status: 'active',
        size: data.length,
        checksum: md5(data),
        os_hash_algo: 'sha512',
        os_hash_value: sha512(data),
      });
      const down = await api.download(alice.token, id);
      expect(down.statusCode).toBe(200);
      expect(down.headers['content-type']).toBe('application/octet-stream');
      expect(down.headers['content-md5']).toBe(md5(data));
      expect(down.headers['content-length']).toBe(String(data.length));
      expect(Buffer.compare(down.rawPayload, data)).toBe(0);
      expect(existsSync(imageApi(t).imageDataPath(id))).toBe(true);
    });

    it('records virtual_size from the header of the declared disk format, as Glance does', async () => {
      const qcow2 = Buffer.alloc(512);
      qcow2.writeUInt32BE(0x514649fb, 0); // "QFI\xfb"
      qcow2.writeUInt32BE(3, 4);
      qcow2.writeBigUInt64BE(10n * 1024n ** 3n, 24);
      const virtualSize = async (diskFormat: string, bytes: Buffer) => {
        const id = (await api.create(alice.token, { name: diskFormat, disk_format: diskFormat }))
          .id as string;
        expect((await api.upload(alice.token, id, bytes)).statusCode).toBe(204);
        return (await api.show(alice.token, id)).json().virtual_size;
      };
      expect(await virtualSize('qcow2', qcow2)).toBe(10 * 1024 ** 3);
      expect(await virtualSize('raw', data)).toBe(data.length);
      // Data that is not what its disk_format says gets no virtual size.
      expect(await virtualSize('vmdk', data)).toBe(null);
    });

    it('serves a byte range with 206', async () => {
      const id = await activeImage();
      const res = await api.download(alice.token, id, { range: 'bytes=10-19' });
      expect(res.statusCode).toBe(206);
      expect(res.headers['content-range']).toBe(`bytes 10-19/${data.length}`);
      expect(Buffer.compare(res.rawPayload, data.subarray(10, 20))).toBe(0);
    });

    it('answers a download of an image without data with 204', async () => {
      const id = (await api.create(alice.token)).id as string;
      const res = await api.download(alice.token, id);
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
    });

    it('refuses a second upload with 409 and keeps the first data', async () => {
      const id = await activeImage();
      const res = await api.upload(alice.token, id, Buffer.from('other bytes'));
      expect(res.statusCode).toBe(409);
      expect(res.json().message).toBe(`Image status transition from active to saving is not allowed${tail}`);
      expect((await api.show(alice.token, id)).json()).toMatchObject({
        status: 'active',
        checksum: md5(data),
      });
      expect(Buffer.compare((await api.download(alice.token, id)).rawPayload, data)).toBe(0);
    });

    it('refuses data before the formats are set, leaving the image queued', async () => {
      const id = (await api.create(alice.token, { disk_format: null, container_format: null })).id as string;
      const res = await api.upload(alice.token, id, data);
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toBe(
        `Properties disk_format, container_format must be set prior to saving data.${tail}`,
      );
      expect((await api.show(alice.token, id)).json()).toMatchObject({ status: 'queued', size: null });
      expect(existsSync(imageApi(t).imageDataPath(id))).toBe(false);
    });

    it('refuses data in another media type with 415', async () => {
      const id = (await api.create(alice.token)).id as string;
      const res = await api.upload(alice.token, id, Buffer.from('{}'), 'application/json');
      expect(res.statusCode).toBe(415);
      expect(res.json().message).toBe(`Invalid content type application/json${tail}`);
      expect((await api.show(alice.token, id)).json().status).toBe('queued');
    });

    it('refuses another project’s upload: 404 for a private image, 403 for a public one', async () => {
      const priv = (await api.create(alice.token, { visibility: 'private' })).id as string;
      expect((await api.upload(bob.token, priv, data)).statusCode).toBe(404);
      const pub = (await api.create(admin, { visibility: 'public' })).id as string;
      expect((await api.upload(bob.token, pub, data)).statusCode).toBe(403);
      expect((await api.show(admin, pub)).json().status).toBe('queued');
    });

    it('lets only the formats of a queued image change', async () => {
      const id = await activeImage();
      const res = await api.patch(alice.token, id, [{ op: 'replace', path: '/disk_format', value: 'qcow2' }]);
      expect(res.statusCode).toBe(403);
      expect(res.json().message).toBe(
        `Attribute disk_format can be only replaced for a queued image.${tail}`,
      );
    });

    it('deactivates and reactivates: only admins download a deactivated image', async () => {
      const id = await activeImage({ visibility: 'private' });
      const url = `/v2/images/${id}/actions`;
      expect((await api.call('POST', `${url}/deactivate`, alice.token)).statusCode).toBe(204);
      expect((await api.call('POST', `${url}/deactivate`, alice.token)).statusCode).toBe(204);
      expect((await api.show(alice.token, id)).json().status).toBe('deactivated');
      const refused = await api.download(alice.token, id);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().message).toBe(
        `The requested image has been deactivated. Image data download is forbidden.${tail}`,
      );
      expect((await api.download(admin, id)).statusCode).toBe(200);
      expect((await api.call('POST', `${url}/reactivate`, alice.token)).statusCode).toBe(204);
      expect((await api.download(alice.token, id)).statusCode).toBe(200);
      const queued = (await api.create(alice.token)).id as string;
      const bad = await api.call('POST', `/v2/images/${queued}/actions/deactivate`, alice.token);
      expect(bad.statusCode).toBe(403);
      expect(bad.json().message).toBe(`Not allowed to deactivate image in status 'queued'${tail}`);
      expect((await api.show(alice.token, queued)).json().status).toBe('queued');
    });

    it('imports staged data with glance-direct', async () => {
      const id = (await api.create(alice.token, { name: 'imported' })).id as string;
      const notStaged = await api.call('POST', `/v2/images/${id}/import`, alice.token, {
        method: { name: 'glance-direct' },
      });
      expect(notStaged.statusCode).toBe(409);
      expect(notStaged.json().message).toBe(
        `Image needs to be staged before 'glance-direct' method can be used${tail}`,
      );
      const usage = async () => (await api.call('GET', '/v2/info/usage', alice.token)).json().usage;
      const before = await usage();
      const stage = await api.call('PUT', `/v2/images/${id}/stage`, alice.token, data, {
        'content-type': 'application/octet-stream',
      });
      expect(stage.statusCode).toBe(204);
      // Staged data and the upload under way count in Glance's stage and uploading quotas.
      const staged = await usage();
      expect(staged.image_stage_total.usage - before.image_stage_total.usage).toBe(data.length);
      expect(staged.image_count_uploading.usage - before.image_count_uploading.usage).toBe(1);
      expect((await api.show(alice.token, id)).json()).toMatchObject({
        status: 'uploading',
        size: data.length,
      });
      const unknown = await api.call('POST', `/v2/images/${id}/import`, alice.token, {
        method: { name: 'web-download' },
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().message).toBe(`Unknown import method name 'web-download'.${tail}`);
      const noMethod = await api.call('POST', `/v2/images/${id}/import`, alice.token, {});
      expect(noMethod.json().message).toBe(`Import request requires a 'method' field.${tail}`);
      const res = await api.call('POST', `/v2/images/${id}/import`, alice.token, {
        method: { name: 'glance-direct' },
      });
      expect(res.statusCode).toBe(202);
      expect(await waitForStatus(t, alice.token, id, 'active')).toBe('active');
      expect((await api.show(alice.token, id)).json()).toMatchObject({
        checksum: md5(data),
        os_hash_value: sha512(data),
      });
      expect(Buffer.compare((await api.download(alice.token, id)).rawPayload, data)).toBe(0);
      const again = await api.call('POST', `/v2/images/${id}/import`, alice.token, {
        method: { name: 'glance-direct' },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().message).toBe(`Image with status active cannot be target for import${tail}`);
    });

    it('deletes the data with the image', async () => {
      const id = await activeImage();
      const path = imageApi(t).imageDataPath(id);
      expect(existsSync(path)).toBe(true);
      expect((await api.call('DELETE', `/v2/images/${id}`, alice.token)).statusCode).toBe(204);
      expect(existsSync(path)).toBe(false);
    });

    describe('in-process ImageApi (what compute calls)', () => {
      it('creates, uploads, shows by visibility and deletes a snapshot', async () => {
        const images = imageApi(t);
        const snap = await images.createImage(
          { projectId: alice.projectId },
          {
            name: 'snap',
            diskFormat: 'qcow2',
            containerFormat: 'bare',
            visibility: 'private',
            properties: { image_type: 'snapshot' },
          },
        );
        expect(snap).toMatchObject({
          status: 'queued',
          owner: alice.projectId,
          properties: { image_type: 'snapshot' },
        });
        const active = await images.uploadImageData(
          snap.id,
          Readable.from([data.subarray(0, 1000), data.subarray(1000)]),
        );
        expect(active).toMatchObject({ status: 'active', size: data.length, checksum: md5(data) });
        expect(await images.getImage({ projectId: alice.projectId, isAdmin: false }, snap.id)).toMatchObject({
          id: snap.id,
        });
        expect(await images.getImage({ projectId: bob.projectId, isAdmin: false }, snap.id)).toBeUndefined();
        expect(await images.getImage({ projectId: bob.projectId, isAdmin: true }, snap.id)).toBeDefined();
        await images.deleteImage(snap.id);
        expect(
          await images.getImage({ projectId: alice.projectId, isAdmin: false }, snap.id),
        ).toBeUndefined();
      });

      it('deletes a snapshot image whose data stream fails, leaving no data behind', async () => {
        const images = imageApi(t);
        const img = await images.createImage(
          { projectId: alice.projectId },
          { name: 'broken', diskFormat: 'raw', containerFormat: 'bare' },
        );
        const failing = new Readable({
          read() {
            this.push(data.subarray(0, 4096));
            this.destroy(new Error('source went away'));
          },
        });
        await expect(images.uploadImageData(img.id, failing)).rejects.toThrow('source went away');
        expect((await api.show(alice.token, img.id)).statusCode).toBe(404);
        expect(existsSync(images.imageDataPath(img.id))).toBe(false);
        const list = (await api.call('GET', '/v2/images', alice.token)).json();
        expect(list.images.map((i: { id: string }) => i.id)).not.toContain(img.id);
      });
    });
  });
}
