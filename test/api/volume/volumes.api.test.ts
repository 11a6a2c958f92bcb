import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeDriver } from '../../../src/agent/drivers/fake/fake-driver.js';
import { hasCommand } from '../../../src/agent/host/command.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from '../compute/compute-api-fixtures.js';
import { createPersonas, expectFault } from '../compute/compute-api-fixtures.js';

type Json = Record<string, unknown>;
const skip = hasCommand('qemu-img') ? false : 'qemu-img is not installed';

for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: block storage v3 volumes`, () => {
    let t: TestCloud;
    let p: Personas;
    let dataDir: string;
    const vol = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, token: string, payload?: object) =>
      t.request({
        method,
        url: `/volume/v3/${p.projectId}${path}`,
        token,
        ...(payload !== undefined && { payload }),
      });
    const nova = (method: 'GET' | 'POST' | 'DELETE', path: string, payload?: object) =>
      t.request({
        method,
        url: `/compute/v2.1${path}`,
        token: p.member,
        ...(payload !== undefined && { payload }),
      });

    async function waitForVolume(id: string, status: string): Promise<Json> {
      const until = Date.now() + 15_000;
      for (;;) {
        const res = await vol('GET', `/volumes/${id}`, p.member);
        if (status === 'gone' && res.statusCode === 404) return {};
        const v = res.statusCode === 200 ? (res.json().volume as Json) : {};
        if (v['status'] === status) return v;
        if (Date.now() > until) throw new Error(`volume ${id} never ${status}: ${res.body}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    async function create(body: Json = {}): Promise<string> {
      const res = await vol('POST', '/volumes', p.member, { volume: { size: 1, ...body } });
      expect(res.statusCode, res.body).toBe(202);
      return res.json().volume.id as string;
    }

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
      dataDir = t.cloud.compute.deps.config.dataDir;
    });
    afterAll(async () => t?.close());

    it('serves the version documents with microversions 3.0 to 3.60 and the catalog entries', async () => {
      const root = await t.request({ method: 'GET', url: '/volume/' });
      expect(root.statusCode).toBe(300);
      expect(root.json().versions[0]).toMatchObject({ id: 'v3.0', version: '3.60', min_version: '3.0' });
      const v3 = await t.request({ method: 'GET', url: '/volume/v3/' });
      expect(v3.json().versions[0].links[1].href).toBe('http://localhost:80/volume/v3/');
      const list = await t.request({
        method: 'GET',
        url: `/volume/v3/${p.projectId}/volumes`,
        headers: { 'openstack-api-version': 'volume 3.0', 'x-auth-token': p.member },
      });
      expect(list.headers['openstack-api-version']).toBe('volume 3.0');
      const tooNew = await t.request({
        method: 'GET',
        url: `/volume/v3/${p.projectId}/volumes`,
        headers: { 'openstack-api-version': 'volume 3.61', 'x-auth-token': p.member },
      });
      expect(tooNew.statusCode).toBe(406);
      expect(tooNew.json()).toEqual({
        computeFault: {
          code: 406,
          message: 'Version 3.61 is not supported by the API. Minimum is 3.0 and maximum is 3.60.',
        },
      });
      const services = await t.request({ method: 'GET', url: '/identity/v3/services', token: p.admin });
      const types = (services.json().services as Json[]).map((s) => s['type']);
      expect(types).toEqual(expect.arrayContaining(['block-storage', 'volumev3']));
    });

    it('creates a volume as a private qcow2 file, shows, updates and deletes it', async () => {
      const id = await create({ name: 'v1', description: 'd', metadata: { a: '1' } });
      const v = await waitForVolume(id, 'available');
      expect(v).toMatchObject({
        name: 'v1',
        description: 'd',
        size: 1,
        metadata: { a: '1' },
        volume_type: '__DEFAULT__',
        availability_zone: 'nova',
        bootable: 'false',
        attachments: [],
        multiattach: false,
        'os-vol-tenant-attr:tenant_id': p.projectId,
      });
      expect(v).not.toHaveProperty('os-vol-host-attr:host');
      const file = join(dataDir, 'volumes', `${id}.qcow2`);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(dataDir, 'volumes')).mode & 0o777).toBe(0o700);

      const upd = await vol('PUT', `/volumes/${id}`, p.member, {
        volume: { name: 'v1b', metadata: { b: '2' } },
      });
      expect(upd.json().volume).toMatchObject({ name: 'v1b', metadata: { b: '2' } });
      expect((await vol('PUT', `/volumes/${id}`, p.reader, { volume: { name: 'x' } })).statusCode).toBe(403);
      expect((await vol('GET', `/volumes/${id}`, p.other)).statusCode).toBe(404);

      expect((await vol('DELETE', `/volumes/${id}`, p.member)).statusCode).toBe(202);
      await waitForVolume(id, 'gone');
      expect(existsSync(file)).toBe(false);
    });

    it('keeps volume metadata with Cinder metadata calls', async () => {
      const id = await create({ metadata: { a: '1' } });
      const base = `/volumes/${id}/metadata`;
      expect((await vol('POST', base, p.member, { metadata: { b: '2' } })).json()).toEqual({
        metadata: { a: '1', b: '2' },
      });
      expect((await vol('PUT', `${base}/a`, p.member, { meta: { a: '9' } })).json()).toEqual({
        meta: { a: '9' },
      });
      expectFault(
        await vol('PUT', `${base}/a`, p.member, { meta: { x: '9' } }),
        400,
        'Request body and URI mismatch',
      );
      expect((await vol('GET', `${base}/a`, p.member)).json()).toEqual({ meta: { a: '9' } });
      expect((await vol('DELETE', `${base}/b`, p.member)).statusCode).toBe(200);
      expectFault(await vol('GET', `${base}/b`, p.member), 404, `Volume ${id} has no metadata with key b.`);
      expectFault(
        await vol('DELETE', `${base}/b`, p.member),
        404,
        `Volume ${id} has no metadata with key b.`,
      );
      expect((await vol('PUT', base, p.member, { metadata: { z: '0' } })).json()).toEqual({
        metadata: { z: '0' },
      });
      expect((await vol('GET', base, p.reader)).json()).toEqual({ metadata: { z: '0' } });
      expect((await vol('GET', `/volumes/${id}`, p.member)).json().volume.metadata).toEqual({ z: '0' });
      expectFault(await vol('POST', base, p.reader, { metadata: { y: '1' } }), 403);
      expectFault(await vol('GET', `/volumes/${randomUUID()}/metadata`, p.member), 404);
      // Later tests list and count the project's volumes.
      await waitForVolume(id, 'available');
      expect((await vol('DELETE', `/volumes/${id}`, p.member)).statusCode).toBe(202);
      await waitForVolume(id, 'gone');
    });

    it('lists with filters, sort and pagination links', async () => {
      const ids = [await create({ name: 'l-a', metadata: { k: 'x' } }), await create({ name: 'l-b' })];
      await Promise.all(ids.map((id) => waitForVolume(id, 'available')));
      const byName = await vol('GET', '/volumes?name=l-a', p.member);
      expect(byName.json().volumes).toEqual([expect.objectContaining({ id: ids[0], name: 'l-a' })]);
      const byMeta = await vol(
        'GET',
        `/volumes/detail?metadata=${encodeURIComponent("{'k': 'x'}")}`,
        p.member,
      );
      expect((byMeta.json().volumes as Json[]).map((v) => v['id'])).toEqual([ids[0]]);
      const sorted = await vol('GET', '/volumes?sort=name:asc', p.member);
      const names = (sorted.json().volumes as Json[]).map((v) => v['name']);
      expect(names).toEqual([...names].sort());
      const page = await vol('GET', '/volumes?sort=name:asc&limit=1', p.member);
      expect(page.json().volumes).toHaveLength(1);
      const next = page.json().volumes_links[0].href as string;
      expect(next).toContain(`marker=${page.json().volumes[0].id as string}`);
      const page2 = await vol('GET', next.replace(/^http:\/\/[^/]+\/volume\/v3\/[^/]+/, ''), p.member);
      expect(page2.json().volumes[0].id).not.toBe(page.json().volumes[0].id);
      expect((await vol('GET', '/volumes?sort=bogus', p.member)).statusCode).toBe(400);
      for (const id of ids) await vol('DELETE', `/volumes/${id}`, p.member);
    });

    it("refuses bad input with Cinder's faults", async () => {
      const zero = await vol('POST', '/volumes', p.member, { volume: { size: 0 } });
      expect(zero.statusCode).toBe(400);
      expect(zero.json().badRequest.code).toBe(400);
      const type = await vol('POST', '/volumes', p.member, { volume: { size: 1, volume_type: 'gold' } });
      expect(type.json()).toEqual({
        itemNotFound: { code: 404, message: 'Volume type with name gold could not be found.' },
      });
      const big = await vol('POST', '/volumes', p.member, { volume: { size: 5000 } });
      expect(big.statusCode).toBe(413);
      expect(big.json().overLimit.message).toMatch(/exceeds allowed gigabytes quota/);
      const zone = await vol('POST', '/volumes', p.member, { volume: { size: 1, availability_zone: 'az9' } });
      expect(zone.json()).toEqual({
        badRequest: { code: 400, message: "Availability zone 'az9' is invalid." },
      });
      const missing = await vol('GET', '/volumes/00000000-0000-0000-0000-000000000000', p.member);
      expect(missing.json().itemNotFound.message).toBe(
        'Volume 00000000-0000-0000-0000-000000000000 could not be found.',
      );
    });

    it('attaches to a server through the device seam, refuses delete while in use, and detaches', async () => {
      const flavor = await createFlavor(t, p.admin, { name: 'vf', vcpus: 1, ram: 64, disk: 1 });
      const image = await createImage(t, p.admin, 'vimg');
      const server = await bootServer(t, p.member, { name: 'vs', imageRef: image, flavorRef: flavor });
      await waitForServer(t, p.member, server, 'ACTIVE');
      const id = await create({ name: 'att' });
      await waitForVolume(id, 'available');

      const att = await nova('POST', `/servers/${server}/os-volume_attachments`, {
        volumeAttachment: { volumeId: id },
      });
      expect(att.statusCode, att.body).toBe(200);
      expect(att.json().volumeAttachment).toEqual({ id, serverId: server, volumeId: id, device: '/dev/vdb' });
      const inUse = await waitForVolume(id, 'in-use');
      expect(inUse['attachments']).toEqual([
        expect.objectContaining({
          server_id: server,
          volume_id: id,
          id,
          device: '/dev/vdb',
          host_name: null,
        }),
      ]);
      const driver = t.cloud.compute.agents.driver('fake-0001') as FakeDriver;
      expect(await driver.devices(server)).toEqual([
        {
          kind: 'disk',
          disk: {
            volumeId: id,
            source: join(dataDir, 'volumes', `${id}.qcow2`),
            format: 'qcow2',
            readOnly: false,
            deviceName: '/dev/vdb',
          },
        },
      ]);
      const foreign = await t.request({
        method: 'POST',
        url: `/compute/v2.1/servers/${server}/os-volume_attachments`,
        token: p.other,
        payload: { volumeAttachment: { volumeId: id } },
      });
      expect(foreign.statusCode).toBe(404);
      const again = await nova('POST', `/servers/${server}/os-volume_attachments`, {
        volumeAttachment: { volumeId: id },
      });
      expect(again.statusCode).toBe(400);
      const del = await vol('DELETE', `/volumes/${id}`, p.member);
      expect(del.statusCode).toBe(400);
      expect(del.json().badRequest.message).toMatch(/^Invalid volume: Volume status must be available/);
      const listed = await nova('GET', `/servers/${server}/os-volume_attachments`);
      expect(listed.json().volumeAttachments).toEqual([att.json().volumeAttachment]);
      const admin = await t.request({
        method: 'GET',
        url: `/volume/v3/${p.projectId}/volumes/${id}`,
        token: p.admin,
      });
      expect(admin.json().volume.attachments[0].host_name).toBe('fake-0001');

      expect((await nova('DELETE', `/servers/${server}/os-volume_attachments/${id}`)).statusCode).toBe(202);
      const back = await waitForVolume(id, 'available');
      expect(back['attachments']).toEqual([]);
      expect(await driver.devices(server)).toEqual([]);
      expect((await nova('GET', `/servers/${server}/os-volume_attachments/${id}`)).statusCode).toBe(404);
      expect((await vol('DELETE', `/volumes/${id}`, p.member)).statusCode).toBe(202);
      await waitForVolume(id, 'gone');
    });

    it('refuses to attach to a server that is still building, leaving the volume available', async () => {
      const slow = await createFlavor(t, p.admin, {
        name: 'vslow',
        vcpus: 1,
        ram: 64,
        disk: 1,
        extraSpecs: { 'fake:create_delay_ms': '1500' },
      });
      const image = await createImage(t, p.admin, 'vimg3');
      const server = await bootServer(t, p.member, { name: 'vs3', imageRef: image, flavorRef: slow });
      const id = await create();
      await waitForVolume(id, 'available');
      const res = await nova('POST', `/servers/${server}/os-volume_attachments`, {
        volumeAttachment: { volumeId: id },
      });
      expect(res.statusCode).toBe(409);
      expect(res.json().conflictingRequest.message).toMatch(
        new RegExp(`^Cannot 'attach_volume' instance ${server} while it is in (vm|task)_state`),
      );
      expect((await vol('GET', `/volumes/${id}`, p.member)).json().volume.status).toBe('available');
      await vol('DELETE', `/volumes/${id}`, p.member);
      await waitForVolume(id, 'gone');
    });

    it('frees the volume when its server is deleted', async () => {
      const flavor = await createFlavor(t, p.admin, { name: 'vf2', vcpus: 1, ram: 64, disk: 1 });
      const image = await createImage(t, p.admin, 'vimg2');
      const server = await bootServer(t, p.member, { name: 'vs2', imageRef: image, flavorRef: flavor });
      await waitForServer(t, p.member, server, 'ACTIVE');
      const id = await create();
      await waitForVolume(id, 'available');
      await nova('POST', `/servers/${server}/os-volume_attachments`, { volumeAttachment: { volumeId: id } });
      await waitForVolume(id, 'in-use');
      expect((await nova('DELETE', `/servers/${server}`)).statusCode).toBe(204);
      await waitForServer(t, p.member, server, 'DELETED');
      // Level-triggered: the reconciler's periodic resync (10 s) notices the server is gone.
      await waitForVolumeWithin(id, 'available', 20_000);
      expect((await vol('DELETE', `/volumes/${id}`, p.member)).statusCode).toBe(202);
      await waitForVolume(id, 'gone');
    });

    it('shows, updates, enforces and resets quota sets (os-quota-sets)', async () => {
      const qs = (method: 'GET' | 'PUT' | 'DELETE', path: string, token: string, payload?: object) =>
        vol(method, `/os-quota-sets/${p.projectId}${path}`, token, payload);
      const shown = await qs('GET', '', p.reader);
      expect(shown.json().quota_set).toMatchObject({ id: p.projectId, volumes: 10, gigabytes: 1000 });
      expect((await qs('GET', '/defaults', p.member)).json().quota_set.per_volume_gigabytes).toBe(-1);
      expect((await qs('PUT', '', p.member, { quota_set: { volumes: 1 } })).statusCode).toBe(403);
      const bad = await qs('PUT', '', p.admin, { quota_set: { volumez: 1 } });
      expect(bad.json().badRequest.message).toBe('Invalid input received: Bad key(s) in quota set: volumez');

      const id = await create();
      await waitForVolume(id, 'available');
      const below = await qs('PUT', '', p.admin, { quota_set: { volumes: 0 } });
      expect(below.json().badRequest.message).toMatch(
        /^Quota volumes limit must be equal or greater than existing/,
      );
      const set = await qs('PUT', '', p.admin, { quota_set: { volumes: 1, per_volume_gigabytes: 2 } });
      expect(set.json().quota_set).toMatchObject({ volumes: 1, per_volume_gigabytes: 2 });
      const usage = await qs('GET', '?usage=true', p.member);
      expect(usage.json().quota_set.volumes).toEqual({ limit: 1, in_use: 1, reserved: 0 });
      // The same figures as Cinder's absolute limits (openstack limits show --absolute).
      const limits = await vol('GET', '/limits', p.reader);
      expect(limits.statusCode).toBe(200);
      expect(limits.json()).toEqual({
        limits: {
          rate: [],
          absolute: {
            maxTotalVolumes: 1,
            totalVolumesUsed: 1,
            maxTotalVolumeGigabytes: 1000,
            totalGigabytesUsed: 1,
            maxTotalSnapshots: 10,
            totalSnapshotsUsed: 0,
            maxTotalBackups: 10,
            totalBackupsUsed: 0,
            maxTotalBackupGigabytes: 1000,
            totalBackupGigabytesUsed: 0,
          },
        },
      });
      const tooBig = await vol('POST', '/volumes', p.member, { volume: { size: 3 } });
      expect(tooBig.json().overLimit.message).toBe(
        'Requested volume size 3G is larger than maximum allowed limit 2G.',
      );
      const tooMany = await vol('POST', '/volumes', p.member, { volume: { size: 1 } });
      expect(tooMany.statusCode).toBe(413);
      expect(tooMany.json().overLimit.message).toBe(
        "Maximum number of volumes allowed (1) exceeded for quota 'volumes'.",
      );

      expect((await qs('DELETE', '', p.admin)).statusCode).toBe(200);
      expect((await qs('GET', '', p.member)).json().quota_set.volumes).toBe(10);
      await vol('DELETE', `/volumes/${id}`, p.member);
      await waitForVolume(id, 'gone');
    });

    async function waitForVolumeWithin(id: string, status: string, ms: number) {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        const v = (await vol('GET', `/volumes/${id}`, p.member)).json().volume as Json;
        if (v['status'] === status) return v;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`volume ${id} never ${status}`);
    }
  });
}
