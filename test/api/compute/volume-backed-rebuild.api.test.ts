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

for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: volume-backed servers: rebuild and placement`, () => {
    let t: TestCloud;
    let p: Personas;
    let image: string;
    let other: string;
    let server: string;
    const nova = (method: 'GET' | 'POST', path: string, payload?: object) =>
      t.request({
        method,
        url: `/compute/v2.1${path}`,
        token: p.member,
        headers: { 'openstack-api-version': 'compute 2.60' },
        ...(payload !== undefined && { payload }),
      });
    const allocations = async (id: string) =>
      (await t.request({ method: 'GET', url: `/placement/allocations/${id}`, token: p.admin })).json()
        .allocations as Record<string, { resources: Record<string, number> }>;

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
      image = await createQcow2Image(t, p.admin, 'bfv-a');
      other = await createQcow2Image(t, p.admin, 'bfv-b');
      // A flavor with a root disk, so a DISK_GB claim for the root would show.
      const flavor = await createFlavor(t, p.admin, { name: 'bfv-r', vcpus: 1, ram: 128, disk: 5 });
      const res = await nova('POST', '/servers', {
        server: {
          name: 'bfv',
          flavorRef: flavor,
          networks: 'none',
          imageRef: '',
          block_device_mapping_v2: [
            { source_type: 'image', destination_type: 'volume', uuid: image, boot_index: 0, volume_size: 1 },
          ],
        },
      });
      expect(res.statusCode, res.body).toBe(202);
      server = String(res.json().server.id);
      await waitForServer(t, p.member, server, 'ACTIVE', 30_000);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('claims no DISK_GB for the root, which lives on the volume (as Nova for volume-backed servers)', async () => {
      const claims = Object.values(await allocations(server));
      expect(claims).toHaveLength(1);
      expect(claims[0]!.resources).toEqual({ VCPU: 1, MEMORY_MB: 128 });
    });

    it("refuses a rebuild with another image with Nova's 400, and changes nothing", async () => {
      const res = await nova('POST', `/servers/${server}/action`, { rebuild: { imageRef: other } });
      expectFault(
        res,
        400,
        `Image ${other} is unacceptable: Unable to rebuild with a different image for a volume-backed server.`,
      );
      const shown = (await nova('GET', `/servers/${server}`)).json().server as Json;
      expect(shown).toMatchObject({ status: 'ACTIVE', image: '', 'OS-EXT-STS:task_state': null });
    });

    it('rebuilds with the image the root volume was made from, keeping image ""', async () => {
      const res = await nova('POST', `/servers/${server}/action`, {
        rebuild: { imageRef: image, name: 'again' },
      });
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json().server.image).toBe('');
      const shown = await waitForServer(t, p.member, server, 'ACTIVE', 30_000);
      expect(shown).toMatchObject({ name: 'again', image: '' });
      expect(Object.values(await allocations(server))[0]!.resources).toEqual({ VCPU: 1, MEMORY_MB: 128 });
    });
  });
}
