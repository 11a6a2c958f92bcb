import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { createPersonas, expectFault } from './compute-api-fixtures.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: compute images proxy (up to 2.35)`, () => {
    let t: TestCloud;
    let p: Personas;
    let mine: string;
    let queued: string;

    const at = (
      v: string,
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      url: string,
      token: string,
      payload?: object,
    ) =>
      t.request({
        method,
        url: `/compute/v2.1${url}`,
        token,
        headers: { 'openstack-api-version': `compute ${v}` },
        ...(payload && { payload }),
      });
    const glance = (method: 'POST' | 'PUT', url: string, token: string, payload: object | Buffer) =>
      t.request({
        method,
        url: `/image/v2${url}`,
        token,
        ...(Buffer.isBuffer(payload) && { headers: { 'content-type': 'application/octet-stream' } }),
        payload,
      });

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
      const made = await glance('POST', '/images', p.member, {
        name: 'snap-of-web',
        disk_format: 'qcow2',
        container_format: 'bare',
        min_ram: 64,
        instance_uuid: 'a4a5d5e4-6f4e-4bd0-9a7e-1f2c3d4e5f60',
        image_type: 'snapshot',
        auto_disk_config: 'true',
      });
      mine = made.json().id;
      expect((await glance('PUT', `/images/${mine}/file`, p.member, Buffer.from('bytes'))).statusCode).toBe(
        204,
      );
      queued = (
        await glance('POST', '/images', p.member, {
          name: 'empty',
          disk_format: 'raw',
          container_format: 'bare',
        })
      ).json().id;
    });
    afterAll(async () => t?.close());

    it('shows an image with exactly Nova’s fields, status and progress', async () => {
      const res = await at('2.35', 'GET', `/images/${mine}`, p.member);
      expect(res.statusCode, res.body).toBe(200);
      const i = res.json().image;
      expect(Object.keys(i).sort()).toEqual(
        [
          'OS-DCF:diskConfig',
          'OS-EXT-IMG-SIZE:size',
          'created',
          'id',
          'links',
          'metadata',
          'minDisk',
          'minRam',
          'name',
          'progress',
          'server',
          'status',
          'updated',
        ].sort(),
      );
      expect(i).toMatchObject({
        name: 'snap-of-web',
        minRam: 64,
        minDisk: 0,
        status: 'ACTIVE',
        progress: 100,
        'OS-EXT-IMG-SIZE:size': 5,
        'OS-DCF:diskConfig': 'AUTO',
        metadata: { image_type: 'snapshot', auto_disk_config: 'true' },
        server: { id: 'a4a5d5e4-6f4e-4bd0-9a7e-1f2c3d4e5f60' },
      });
      expect(i.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(i.links.map((l: { rel: string }) => l.rel)).toEqual(['self', 'bookmark', 'alternate']);
      expect(i.links[2].href).toMatch(new RegExp(`/image/images/${mine}$`));
      const q = (await at('2.35', 'GET', `/images/${queued}`, p.member)).json().image;
      expect(q).toMatchObject({ status: 'SAVING', progress: 25, 'OS-EXT-IMG-SIZE:size': null });
      expect(q).not.toHaveProperty('server');
      expect(q).not.toHaveProperty('OS-DCF:diskConfig');
    });

    it('lists ids, names and links, details, filters and pages', async () => {
      const list = (await at('2.1', 'GET', '/images', p.member)).json().images;
      const entry = list.find((x: { id: string }) => x.id === mine);
      expect(Object.keys(entry).sort()).toEqual(['id', 'links', 'name']);
      const detail = (await at('2.1', 'GET', '/images/detail?type=snapshot', p.member)).json().images;
      expect(detail.map((x: { id: string }) => x.id)).toEqual([mine]);
      const byServer = (
        await at(
          '2.1',
          'GET',
          '/images/detail?server=http://x/servers/a4a5d5e4-6f4e-4bd0-9a7e-1f2c3d4e5f60',
          p.member,
        )
      ).json().images;
      expect(byServer.map((x: { id: string }) => x.id)).toEqual([mine]);
      const waiting = (await at('2.1', 'GET', '/images?status=QUEUED', p.member)).json().images;
      expect(waiting.map((x: { id: string }) => x.id)).toEqual([queued]);
      const page = (await at('2.1', 'GET', '/images?limit=1', p.member)).json();
      expect(page.images).toHaveLength(1);
      expect(page.images_links[0].href).toContain(`marker=${page.images[0].id}`);
    });

    it('answers 404 from 2.36 on, and for an image the caller cannot see', async () => {
      expectFault(await at('2.36', 'GET', '/images', p.member), 404);
      expectFault(await at('2.36', 'GET', `/images/${mine}`, p.member), 404);
      expect((await at('2.36', 'GET', `/images/${mine}/metadata`, p.member)).statusCode).toBe(200);
      expectFault(await at('2.35', 'GET', `/images/${mine}`, p.other), 404, 'Image not found.');
    });

    it('edits metadata: merge, replace one, replace all, delete, with Nova’s refusals', async () => {
      const base = `/images/${mine}/metadata`;
      expect((await at('2.1', 'GET', base, p.member)).json().metadata).toMatchObject({
        image_type: 'snapshot',
      });
      const merged = await at('2.1', 'POST', base, p.member, { metadata: { os_distro: 'debian' } });
      expect(merged.statusCode, merged.body).toBe(200);
      expect(merged.json().metadata).toMatchObject({ os_distro: 'debian', image_type: 'snapshot' });
      expect((await at('2.1', 'GET', `${base}/os_distro`, p.member)).json()).toEqual({
        meta: { os_distro: 'debian' },
      });
      expectFault(
        await at('2.1', 'PUT', `${base}/os_distro`, p.member, { meta: { other: 'x' } }),
        400,
        'Request body and URI mismatch',
      );
      expectFault(
        await at('2.1', 'PUT', `${base}/os_distro`, p.member, { meta: { os_distro: 'x', b: 'y' } }),
        400,
        'Request body contains too many items',
      );
      expect(
        (await at('2.1', 'PUT', `${base}/os_distro`, p.member, { meta: { os_distro: 'ubuntu' } })).json(),
      ).toEqual({
        meta: { os_distro: 'ubuntu' },
      });
      expectFault(await at('2.1', 'POST', base, p.other, { metadata: { a: 'b' } }), 404);
      expect((await at('2.1', 'DELETE', `${base}/os_distro`, p.member)).statusCode).toBe(204);
      expectFault(await at('2.1', 'DELETE', `${base}/os_distro`, p.member), 404, 'Invalid metadata key');
      const replaced = await at('2.1', 'PUT', base, p.member, { metadata: { only: 'this' } });
      expect(replaced.json()).toEqual({ metadata: { only: 'this' } });
      const glanceView = (
        await t.request({ method: 'GET', url: `/image/v2/images/${mine}`, token: p.member })
      ).json();
      expect(glanceView.only).toBe('this');
      expect(glanceView).not.toHaveProperty('image_type');
      expect(glanceView.min_ram).toBe(64);
      const many = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, 'v']));
      expectFault(
        await at('2.1', 'PUT', base, p.member, { metadata: many }),
        403,
        'Image metadata limit exceeded',
      );
      expect((await at('2.1', 'GET', base, p.member)).json().metadata).toEqual({ only: 'this' });
    });

    it('deletes: another project gets 404, a protected image 403, the owner 204', async () => {
      const prot = (
        await glance('POST', '/images', p.member, {
          name: 'keep',
          disk_format: 'raw',
          container_format: 'bare',
          protected: true,
        })
      ).json().id;
      expectFault(
        await at('2.1', 'DELETE', `/images/${prot}`, p.member),
        403,
        'You are not allowed to delete the image.',
      );
      expectFault(await at('2.1', 'DELETE', `/images/${queued}`, p.other), 404);
      expect((await at('2.1', 'DELETE', `/images/${queued}`, p.member)).statusCode).toBe(204);
      expectFault(await at('2.1', 'GET', `/images/${queued}`, p.member), 404, 'Image not found.');
    });
  });
}
