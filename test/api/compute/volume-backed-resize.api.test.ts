import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../../src/agent/host/command.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { createFlavor, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { createPersonas, expectFault } from './compute-api-fixtures.js';
import { createQcow2Image } from './volume-fixtures.js';

type Json = Record<string, unknown>;
const skip = hasCommand('qemu-img') ? false : 'qemu-img is not installed';

// Nova's resize rules on the root disk (compute API `resize`): a volume-backed server's
// root is its volume, so the new flavor's root_gb does not bind it (smaller or zero is
// fine) and only the volume's image min_ram does; an image-backed server may not go from a
// sized root to a zero-disk flavor. The qemu driver's side is volume-backed-resize-qemu.
for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: resize of a volume-backed server`, () => {
    let t: TestCloud;
    let p: Personas;
    let image = '';
    let server = '';
    const flavors = { disk5: '', disk1: '', disk0: '', tinyRam: '' };
    const nova = (method: 'GET' | 'POST', path: string, payload?: object) =>
      t.request({
        method,
        url: `/compute/v2.1${path}`,
        token: p.member,
        headers: { 'openstack-api-version': 'compute 2.60' },
        ...(payload !== undefined && { payload }),
      });
    const action = (id: string, body: object) => nova('POST', `/servers/${id}/action`, body);
    const shown = async (id: string) => (await nova('GET', `/servers/${id}`)).json().server as Json;
    const claims = async (id: string) =>
      Object.values(
        (await t.request({ method: 'GET', url: `/placement/allocations/${id}`, token: p.admin })).json()
          .allocations as Record<string, { resources: Record<string, number> }>,
      ).map((a) => a.resources);
    const boot = async (server: Json) => {
      const res = await nova('POST', '/servers', { server: { name: 'r', networks: 'none', ...server } });
      expect(res.statusCode, res.body).toBe(202);
      const id = String(res.json().server.id);
      await waitForServer(t, p.member, id, 'ACTIVE', 30_000);
      return id;
    };
    const resized = async (id: string, flavor: string) => {
      const res = await action(id, { resize: { flavorRef: flavor } });
      expect(res.statusCode, res.body).toBe(202);
      await waitForServer(t, p.member, id, 'VERIFY_RESIZE', 30_000);
      return shown(id);
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
      image = await createQcow2Image(t, p.admin, 'bfv-resize');
      // The root volume copies min_ram into its image metadata (Cinder), where Nova reads it.
      const patched = await t.request({
        method: 'PATCH',
        url: `/image/v2/images/${image}`,
        token: p.admin,
        headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' },
        payload: [{ op: 'replace', path: '/min_ram', value: 128 }],
      });
      expect(patched.statusCode, patched.body).toBe(200);
      flavors.disk5 = await createFlavor(t, p.admin, { name: 'r-disk5', vcpus: 1, ram: 128, disk: 5 });
      flavors.disk1 = await createFlavor(t, p.admin, { name: 'r-disk1', vcpus: 2, ram: 192, disk: 1 });
      flavors.disk0 = await createFlavor(t, p.admin, { name: 'r-disk0', vcpus: 1, ram: 256, disk: 0 });
      flavors.tinyRam = await createFlavor(t, p.admin, { name: 'r-tiny', vcpus: 1, ram: 64, disk: 5 });
      server = await boot({
        flavorRef: flavors.disk5,
        imageRef: '',
        block_device_mapping_v2: [
          { source_type: 'image', destination_type: 'volume', uuid: image, boot_index: 0, volume_size: 1 },
        ],
      });
    });
    afterAll(async () => t?.close());

    it('resizes to a smaller root_gb and confirms, claiming no DISK_GB', async () => {
      const during = await resized(server, flavors.disk1);
      expect(during['flavor']).toMatchObject({ original_name: 'r-disk1', disk: 1 });
      expect((await action(server, { confirmResize: null })).statusCode).toBe(204);
      const after = await waitForServer(t, p.member, server, 'ACTIVE', 30_000);
      expect(after['image']).toBe('');
      expect(await claims(server)).toEqual([{ VCPU: 2, MEMORY_MB: 192 }]);
    });

    it('resizes to a zero-disk flavor (refused for image-backed servers) and reverts', async () => {
      await resized(server, flavors.disk0);
      expect(await claims(server)).toEqual([{ VCPU: 1, MEMORY_MB: 256 }]);
      expect((await action(server, { revertResize: null })).statusCode).toBe(202);
      await waitForServer(t, p.member, server, 'ACTIVE', 30_000);
      expect((await shown(server))['flavor']).toMatchObject({ original_name: 'r-disk1' });
      expect(await claims(server)).toEqual([{ VCPU: 2, MEMORY_MB: 192 }]);
    });

    it("refuses a flavor below the root volume's image min_ram with 400, and changes nothing", async () => {
      expectFault(
        await action(server, { resize: { flavorRef: flavors.tinyRam } }),
        400,
        "Flavor's memory is too small for requested image.",
      );
      expect(await shown(server)).toMatchObject({
        status: 'ACTIVE',
        'OS-EXT-STS:task_state': null,
        flavor: expect.objectContaining({ original_name: 'r-disk1' }),
      });
      expect(await claims(server)).toEqual([{ VCPU: 2, MEMORY_MB: 192 }]);
    });

    it("refuses an image-backed server a zero-disk flavor with Nova's 400, and changes nothing", async () => {
      const fromImage = await boot({ flavorRef: flavors.disk5, imageRef: image });
      expectFault(
        await action(fromImage, { resize: { flavorRef: flavors.disk0 } }),
        400,
        'Server disk was unable to be resized because: Resize to zero disk flavor is not allowed.',
      );
      expect(await shown(fromImage)).toMatchObject({
        status: 'ACTIVE',
        'OS-EXT-STS:task_state': null,
        flavor: expect.objectContaining({ original_name: 'r-disk5' }),
      });
      expect(await claims(fromImage)).toEqual([{ VCPU: 1, MEMORY_MB: 128, DISK_GB: 5 }]);
    });
  });
}
