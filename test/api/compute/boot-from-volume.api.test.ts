import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeDriver } from '../../../src/agent/drivers/fake/fake-driver.js';
import { hasCommand } from '../../../src/agent/host/command.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { createFlavor, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { createPersonas, expectFault } from './compute-api-fixtures.js';
import { createQcow2Image, memberVolumeCaller, waitForVolume } from './volume-fixtures.js';

type Json = Record<string, unknown>;
const skip = hasCommand('qemu-img') ? false : 'qemu-img is not installed';

for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: boot from volume (block_device_mapping_v2)`, () => {
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
      '3.60',
    );
    const volumeCount = async () => (await vol('GET', '/volumes')).json().volumes.length as number;
    const boot = (server: Json) =>
      nova('POST', '/servers', { server: { name: 'bfv', flavorRef: flavor, networks: 'none', ...server } });

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
      image = await createQcow2Image(t, p.admin, 'bfv-image');
      flavor = await createFlavor(t, p.admin, { name: 'bfv', vcpus: 1, ram: 128, disk: 0 });
    });
    afterAll(async () => t?.close());

    it('boots from a new volume made from an image, shows image "" and volumes_attached, deletes it with the server', async () => {
      const res = await boot({
        imageRef: '',
        block_device_mapping_v2: [
          {
            source_type: 'image',
            destination_type: 'volume',
            uuid: image,
            boot_index: 0,
            volume_size: 1,
            delete_on_termination: true,
          },
          { source_type: 'blank', destination_type: 'volume', volume_size: 1, boot_index: -1 },
        ],
      });
      expect(res.statusCode, res.body).toBe(202);
      const id = String(res.json().server.id);
      const shown = await waitForServer(t, p.member, id, 'ACTIVE', 30_000);
      expect(shown['image']).toBe('');
      const attached = shown['os-extended-volumes:volumes_attached'] as Array<{ id: string }>;
      expect(attached).toHaveLength(2);
      // Before 2.3 only ids; from 2.3 delete_on_termination too.
      expect(attached.map((a) => Object.keys(a))).toEqual([['id'], ['id']]);
      const at237 = (await nova('GET', `/servers/${id}`)).json().server as Json;
      const attached237 = at237['os-extended-volumes:volumes_attached'] as Array<Json>;
      expect(attached237.map((a) => a['delete_on_termination']).sort()).toEqual([false, true]);
      expect(attached237.map((a) => Object.keys(a).sort())).toEqual([
        ['delete_on_termination', 'id'],
        ['delete_on_termination', 'id'],
      ]);
      // The device seam reports the disks attached shortly after the build.
      for (const a of attached) await waitForVolume(vol, a.id, 'in-use');
      const [root, blank] = await Promise.all(
        attached.map(async (a) => (await vol('GET', `/volumes/${a.id}`)).json().volume as Json),
      ).then(
        (vs) =>
          [vs.find((v) => v['bootable'] === 'true')!, vs.find((v) => v['bootable'] === 'false')!] as [
            Json,
            Json,
          ],
      );
      expect(root).toMatchObject({ status: 'in-use', size: 1 });
      expect((root['volume_image_metadata'] as Json)['image_id']).toBe(image);
      expect(blank).toMatchObject({ status: 'in-use', name: `${id}-blank-vol` });
      const driver = t.cloud.compute.agents.driver('fake-0001') as FakeDriver;
      const disks = (await driver.devices(id)).flatMap((d) => (d.kind === 'disk' ? [d.disk] : []));
      expect(disks.find((d) => d.volumeId === root['id'])?.bootIndex).toBe(0);
      expect(disks.find((d) => d.volumeId === blank['id'])?.bootIndex).toBeUndefined();
      // Nova's names, the guest's order: the root volume is vda, the next mapping vdb.
      const listed = (await nova('GET', `/servers/${id}/os-volume_attachments`)).json()
        .volumeAttachments as Json[];
      const deviceOf = (v: Json) => listed.find((a) => a['volumeId'] === v['id'])?.['device'];
      expect([deviceOf(root), deviceOf(blank)]).toEqual(['/dev/vda', '/dev/vdb']);
      expect(disks.find((d) => d.volumeId === root['id'])?.deviceName).toBe('/dev/vda');

      expect((await nova('DELETE', `/servers/${id}`)).statusCode).toBe(204);
      await waitForServer(t, p.member, id, 'DELETED', 20_000);
      await waitForVolume(vol, String(root['id']), 'gone');
      await waitForVolume(vol, String(blank['id']), 'available');
    });

    it('boots from an existing bootable volume, which survives the server', async () => {
      const made = await vol('POST', '/volumes', { volume: { size: 1, imageRef: image } });
      const volumeId = String(made.json().volume.id);
      await waitForVolume(vol, volumeId, 'available');
      const res = await boot({
        block_device_mapping_v2: [
          { source_type: 'volume', destination_type: 'volume', uuid: volumeId, boot_index: 0 },
        ],
      });
      expect(res.statusCode, res.body).toBe(202);
      const id = String(res.json().server.id);
      await waitForServer(t, p.member, id, 'ACTIVE', 30_000);
      await waitForVolume(vol, volumeId, 'in-use');
      expect((await nova('DELETE', `/servers/${id}`)).statusCode).toBe(204);
      await waitForServer(t, p.member, id, 'DELETED', 20_000);
      await waitForVolume(vol, volumeId, 'available');

      // A snapshot of it boots a new volume of the snapshot's size.
      const snap = await vol('POST', '/snapshots', { snapshot: { volume_id: volumeId } });
      expect(snap.statusCode, snap.body).toBe(202);
      const snapId = String(snap.json().snapshot.id);
      const until = Date.now() + 20_000;
      while ((await vol('GET', `/snapshots/${snapId}`)).json().snapshot.status !== 'available') {
        if (Date.now() > until) throw new Error('snapshot never available');
        await new Promise((r) => setTimeout(r, 20));
      }
      const fromSnap = await boot({
        block_device_mapping_v2: [
          {
            source_type: 'snapshot',
            destination_type: 'volume',
            uuid: snapId,
            boot_index: 0,
            delete_on_termination: true,
          },
        ],
      });
      expect(fromSnap.statusCode, fromSnap.body).toBe(202);
      const sid = String(fromSnap.json().server.id);
      const shown = await waitForServer(t, p.member, sid, 'ACTIVE', 30_000);
      const [root] = shown['os-extended-volumes:volumes_attached'] as Array<{ id: string }>;
      const rootVol = (await vol('GET', `/volumes/${root!.id}`)).json().volume as Json;
      expect(rootVol).toMatchObject({ snapshot_id: snapId, size: 1 });
      expect((await nova('DELETE', `/servers/${sid}`)).statusCode).toBe(204);
      await waitForVolume(vol, root!.id, 'gone');
    });

    it('boots a volume that is not bootable when the request names an imageRef, as Nova does', async () => {
      const empty = await vol('POST', '/volumes', { volume: { size: 1 } });
      const emptyId = String(empty.json().volume.id);
      await waitForVolume(vol, emptyId, 'available');
      const res = await boot({
        imageRef: image,
        block_device_mapping_v2: [
          { source_type: 'volume', destination_type: 'volume', uuid: emptyId, boot_index: 0 },
        ],
      });
      expect(res.statusCode, res.body).toBe(202);
      const sid = String(res.json().server.id);
      const shown = await waitForServer(t, p.member, sid, 'ACTIVE', 30_000);
      const attached = shown['os-extended-volumes:volumes_attached'] as Array<{ id: string }>;
      expect(attached.map((a) => a.id)).toEqual([emptyId]);
      expect((await nova('DELETE', `/servers/${sid}`)).statusCode).toBe(204);
      await waitForVolume(vol, emptyId, 'available');
    });

    it("refuses bad mappings with Nova's faults, making no server and no volume", async () => {
      const servers = async () => (await nova('GET', '/servers')).json().servers.length as number;
      const [s0, v0] = [await servers(), await volumeCount()];
      const missing = crypto.randomUUID();
      const empty = await vol('POST', '/volumes', { volume: { size: 1 } });
      const emptyId = String(empty.json().volume.id);
      await waitForVolume(vol, emptyId, 'available');
      const cases: Array<[Json[], string]> = [
        [
          [{ source_type: 'volume', destination_type: 'volume', uuid: missing, boot_index: 0 }],
          `Block Device Mapping is Invalid: failed to get volume ${missing}.`,
        ],
        [
          [{ source_type: 'snapshot', destination_type: 'volume', uuid: missing, boot_index: 0 }],
          `Block Device Mapping is Invalid: failed to get snapshot ${missing}.`,
        ],
        [
          [
            {
              source_type: 'image',
              destination_type: 'volume',
              uuid: missing,
              boot_index: 0,
              volume_size: 1,
            },
          ],
          `Block Device Mapping is Invalid: failed to get image ${missing}.`,
        ],
        [
          [{ source_type: 'image', destination_type: 'volume', uuid: image, boot_index: 0 }],
          "Images with destination_type 'volume' need to have a non-zero size specified",
        ],
        [
          [{ source_type: 'volume', destination_type: 'volume', uuid: emptyId, boot_index: 0 }],
          `Block Device ${emptyId} is not bootable.`,
        ],
        [
          [{ source_type: 'blank', destination_type: 'volume', volume_size: 1, boot_index: 1 }],
          'Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.',
        ],
        [
          [{ source_type: 'volume', destination_type: 'volume', boot_index: 0 }],
          'Block Device Mapping is Invalid: Missing device UUID.',
        ],
      ];
      for (const [bdm, message] of cases)
        expectFault(await boot({ block_device_mapping_v2: bdm }), 400, message);
      expectFault(
        await boot({
          min_count: 2,
          block_device_mapping_v2: [
            { source_type: 'volume', destination_type: 'volume', uuid: emptyId, boot_index: 1 },
          ],
          imageRef: image,
        }),
        400,
        'Cannot attach one or more volumes to multiple instances',
      );
      const bad = await boot({ block_device_mapping_v2: [{ source_type: 'tape', uuid: image }] });
      expect(bad.statusCode).toBe(400);
      expect(await servers()).toBe(s0);
      expect(await volumeCount()).toBe(v0 + 1);
    });
  });
}
