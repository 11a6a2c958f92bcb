import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../../src/agent/host/command.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { startTestCloud } from '../../support/test-cloud.js';
import { createPersonas } from '../compute/compute-api-fixtures.js';

type Json = Record<string, unknown>;
const skip = hasCommand('qemu-img') ? false : 'qemu-img is not installed';
const server = '33333333-3333-4333-8333-333333333333';

/** A cloud with Cinder's enable_force_upload set as given, and an in-use volume on it. */
async function cloudWithInUseVolume(
  dialect: Parameters<typeof startTestCloud>[0],
  enableForceUpload: boolean,
) {
  const t = await startTestCloud(dialect, { fakeHosts: 1, enableForceUpload });
  const p = await createPersonas(t);
  const vol = (method: 'GET' | 'POST' | 'PUT', path: string, payload?: object) =>
    t.request({
      method,
      url: `/volume/v3/${p.projectId}${path}`,
      headers: { 'x-auth-token': p.member, 'openstack-api-version': 'volume 3.44' },
      ...(payload !== undefined && { payload }),
    });
  const waitFor = async (id: string, want: string) => {
    const until = Date.now() + 60_000;
    for (;;) {
      const v = (await vol('GET', `/volumes/${id}`)).json().volume as Json;
      if (v['status'] === want) return v;
      if (Date.now() > until) throw new Error(`volume ${id} never ${want}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const id = (await vol('POST', '/volumes', { volume: { size: 1 } })).json().volume.id as string;
  await waitFor(id, 'available');
  const a = (
    await vol('POST', '/attachments', { attachment: { volume_uuid: id, instance_uuid: server } })
  ).json().attachment as Json;
  const connector = { host: 'h1', ip: '10.0.0.5', mountpoint: '/dev/vdc' };
  expect(
    (await vol('PUT', `/attachments/${String(a['id'])}`, { attachment: { connector } })).statusCode,
  ).toBe(200);
  expect(
    (await vol('POST', `/attachments/${String(a['id'])}/action`, { 'os-complete': null })).statusCode,
  ).toBe(204);
  await waitFor(id, 'in-use');
  const upload = (force: boolean) =>
    vol('POST', `/volumes/${id}/action`, {
      'os-volume_upload_image': { image_name: 'forced', force, disk_format: 'qcow2' },
    });
  return { t, p, id, vol, waitFor, upload };
}

for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: os-volume_upload_image force and enable_force_upload`, () => {
    let off: Awaited<ReturnType<typeof cloudWithInUseVolume>>;
    let on: Awaited<ReturnType<typeof cloudWithInUseVolume>>;

    beforeAll(async () => {
      off = await cloudWithInUseVolume(dialect, false);
      on = await cloudWithInUseVolume(dialect, true);
    });
    afterAll(async () => {
      await off?.t.close();
      await on?.t.close();
    });

    it('ignores force by default (Cinder): an in-use volume is refused, and nothing changes', async () => {
      const res = await off.upload(true);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        badRequest: { code: 400, message: 'Invalid volume: Volume status is in-use.' },
      });
      expect((await off.vol('GET', `/volumes/${off.id}`)).json().volume.status).toBe('in-use');
      const images = await off.t.cloud.images.listImages({ projectId: undefined, isAdmin: true }, {});
      expect(JSON.stringify(images)).not.toContain('"forced"');
    });

    it('uploads an in-use volume with force when enable_force_upload is set; without force it is refused', async () => {
      const plain = await on.upload(false);
      expect(plain.statusCode).toBe(400);
      expect(plain.json().badRequest.message).toBe('Invalid volume: Volume status is in-use.');
      const res = await on.upload(true);
      expect(res.statusCode, res.body).toBe(202);
      const body = res.json()['os-volume_upload_image'] as Json;
      expect(body['status']).toBe('uploading');
      await on.waitFor(on.id, 'in-use');
      const image = await on.t.cloud.images.getImage(
        { projectId: on.p.projectId, isAdmin: true },
        String(body['image_id']),
      );
      expect(image).toMatchObject({ status: 'active', name: 'forced' });
    });
  });
}
