import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from './image-fixtures.js';
import { imageApi, imageClient, projectUser, startImageCloud } from './image-fixtures.js';

const tail = '<br /><br />\n\n\n';

for (const dialect of testDialects()) {
  describe(`${dialect}: image quotas`, () => {
    let t: TestCloud;
    let admin: string;
    let alice: ProjectUser;
    let api: ReturnType<typeof imageClient>;
    beforeAll(async () => {
      t = await startImageCloud(dialect, { imageQuotaCount: 3, imageQuotaBytes: 1000 });
      admin = await t.adminToken();
      api = imageClient(t);
      alice = await projectUser(t, admin, 'alice');
    });
    afterAll(async () => t?.close());

    const usage = async () => (await api.call('GET', '/v2/info/usage', alice.token)).json().usage;

    it('refuses data past the byte quota with 413, changing nothing', async () => {
      const first = (await api.create(alice.token)).id as string;
      expect((await api.upload(alice.token, first, Buffer.alloc(600, 1))).statusCode).toBe(204);
      const second = (await api.create(alice.token)).id as string;
      const res = await api.upload(alice.token, second, Buffer.alloc(600, 2));
      expect(res.statusCode).toBe(413);
      expect(res.json()).toEqual({
        message: `Image exceeds the storage quota: The size of the data 600 will exceed the limit. 400 bytes remaining.${tail}`,
        code: '413 Request Entity Too Large',
        title: 'Request Entity Too Large',
      });
      expect((await api.show(alice.token, second)).json()).toMatchObject({ status: 'queued', size: null });
      expect(existsSync(imageApi(t).imageDataPath(second))).toBe(false);
      // Glance reports its four image quotas; Strata limits only the size and count totals.
      expect(await usage()).toEqual({
        image_size_total: { limit: 1000, usage: 600 },
        image_stage_total: { limit: -1, usage: 0 },
        image_count_total: { limit: 3, usage: 2 },
        image_count_uploading: { limit: -1, usage: 0 },
      });
    });

    it('stops a stream of unannounced size at the quota; the snapshot image that did not fit goes', async () => {
      const id = (await api.create(alice.token)).id as string;
      const chunks = Array.from({ length: 10 }, () => Buffer.alloc(100, 3));
      await expect(imageApi(t).uploadImageData(id, Readable.from(chunks))).rejects.toMatchObject({
        status: 413,
      });
      expect((await api.show(alice.token, id)).statusCode).toBe(404);
      expect(existsSync(imageApi(t).imageDataPath(id))).toBe(false);
      const fitting = (await api.create(alice.token)).id as string;
      expect((await api.upload(alice.token, fitting, Buffer.alloc(400, 3))).statusCode).toBe(204);
      expect((await usage()).image_size_total.usage).toBe(1000);
    });

    it('refuses an image past the count quota with 413 and creates nothing', async () => {
      const before = await api.count(alice.token);
      const res = await api.call('POST', '/v2/images', alice.token, { name: 'one too many' });
      expect(res.statusCode).toBe(413);
      expect(res.json().message).toBe(
        'The request returned a 413 Request Entity Too Large. This generally means that rate limiting or a quota ' +
          `threshold was breached.\n\nThe response body:\nProject ${alice.projectId} is over a limit for ` +
          `[Resource image_count_total is over limit of 3 due to current usage 3 and delta 1]${tail}`,
      );
      expect(await api.count(alice.token)).toBe(before);
      await expect(
        imageApi(t).createImage({ projectId: alice.projectId }, { name: 'snapshot' }),
      ).rejects.toMatchObject({ status: 413 });
    });

    it('gives quota back when an image is deleted', async () => {
      const list = (await api.call('GET', '/v2/images?status=active', alice.token)).json().images;
      await api.call('DELETE', `/v2/images/${list[0].id}`, alice.token);
      expect((await usage()).image_count_total.usage).toBe(2);
      expect((await api.call('POST', '/v2/images', alice.token, { name: 'fits again' })).statusCode).toBe(
        201,
      );
    });

    it('applies per project: another project starts from zero', async () => {
      const bob = await projectUser(t, admin, 'bob');
      expect((await api.call('POST', '/v2/images', bob.token, { name: 'bob-1' })).statusCode).toBe(201);
    });
  });
}
