import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../../src/agent/host/command.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { createFlavor, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { createPersonas, expectFault } from './compute-api-fixtures.js';
import { createQcow2Image, memberVolumeCaller, volumeStatus, waitForVolume } from './volume-fixtures.js';

type Json = Record<string, unknown>;
const skip = hasCommand('qemu-img') ? false : 'qemu-img is not installed';

for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: legacy block_device_mapping (v1)`, () => {
    let t: TestCloud;
    let p: Personas;
    let image: string;
    let flavor: string;
    const nova = (method: 'GET' | 'POST' | 'DELETE', path: string, payload?: object) =>
      t.request({
        method,
        url: `/compute/v2.1${path}`,
        token: p.member,
        headers: { 'openstack-api-version': 'compute 2.37' },
        ...(payload !== undefined && { payload }),
      });
    const vol = memberVolumeCaller(
      () => t,
      () => p,
    );
    const status = (id: string) => volumeStatus(vol, id);
    async function volume(body: Json): Promise<string> {
      const res = await vol('POST', '/volumes', { volume: { size: 1, ...body } });
      expect(res.statusCode, res.body).toBe(202);
      const id = String(res.json().volume.id);
      await waitForVolume(vol, id, 'available');
      return id;
    }
    const boot = (server: Json) =>
      nova('POST', '/servers', { server: { name: 'v1', flavorRef: flavor, networks: 'none', ...server } });
    const attachedIds = (s: Json) =>
      (s['os-extended-volumes:volumes_attached'] as Array<{ id: string }>).map((a) => a.id);

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
      image = await createQcow2Image(t, p.admin, 'v1-image');
      flavor = await createFlavor(t, p.admin, { name: 'v1', vcpus: 1, ram: 128, disk: 2 });
    });
    afterAll(async () => t?.close());

    it('boots from the volume named vda, image "", and deletes it with the server when asked', async () => {
      const root = await volume({ imageRef: image });
      const res = await boot({
        imageRef: '',
        block_device_mapping: [{ volume_id: root, device_name: '/dev/vda', delete_on_termination: true }],
      });
      expect(res.statusCode, res.body).toBe(202);
      const id = String(res.json().server.id);
      const shown = await waitForServer(t, p.member, id, 'ACTIVE', 30_000);
      expect(shown['image']).toBe('');
      expect(attachedIds(shown)).toEqual([root]);
      await waitForVolume(vol, root, 'in-use');
      expect((await nova('DELETE', `/servers/${id}`)).statusCode).toBe(204);
      await waitForServer(t, p.member, id, 'DELETED', 20_000);
      await waitForVolume(vol, root, 'gone');
    });

    it('boots the image with a legacy volume on vdb as a data disk, kept after the server', async () => {
      const data = await volume({});
      const res = await boot({
        imageRef: image,
        block_device_mapping: [{ volume_id: data, device_name: 'vdb' }],
      });
      expect(res.statusCode, res.body).toBe(202);
      const id = String(res.json().server.id);
      const shown = await waitForServer(t, p.member, id, 'ACTIVE', 30_000);
      expect((shown['image'] as Json)['id']).toBe(image);
      expect(attachedIds(shown)).toEqual([data]);
      expect((await nova('DELETE', `/servers/${id}`)).statusCode).toBe(204);
      await waitForServer(t, p.member, id, 'DELETED', 20_000);
      await waitForVolume(vol, data, 'available');
    });

    it("refuses mixed syntaxes, an unrecognized mapping and no root with Nova's 400s", async () => {
      const data = await volume({});
      const before = (await nova('GET', '/servers')).json().servers.length as number;
      expectFault(
        await boot({
          imageRef: image,
          block_device_mapping: [{ volume_id: data, device_name: 'vdb' }],
          block_device_mapping_v2: [{ source_type: 'volume', destination_type: 'volume', uuid: data }],
        }),
        400,
        'Using different block_device_mapping syntaxes is not allowed in the same request.',
      );
      expectFault(
        await boot({ imageRef: image, block_device_mapping: [{ device_name: 'vdb' }] }),
        400,
        'Block Device Mapping is Invalid: Unrecognized legacy format.',
      );
      expectFault(
        await boot({ imageRef: '', block_device_mapping: [{ volume_id: data, device_name: 'vdb' }] }),
        400,
        'Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.',
      );
      expect(
        (await boot({ imageRef: image, block_device_mapping: [{ volume_id: 'nope' }] })).statusCode,
      ).toBe(400);
      expect((await nova('GET', '/servers')).json().servers.length).toBe(before);
      expect(await status(data)).toBe('available');
    });
  });
}
