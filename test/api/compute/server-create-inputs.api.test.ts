import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import { computeCaller, expectFault } from './compute-api-fixtures.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: server create inputs: networks, block devices, metadata and group quotas`, () => {
    let t: TestCloud;
    let admin: string;
    let adminProjectId: string;
    let flavor: string;
    let image: string;
    let call: ReturnType<typeof computeCaller>;
    const create = (server: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      call('POST', '/servers', admin, {
        server: { name: 'in', imageRef: image, flavorRef: flavor, ...server },
        ...extra,
      });
    const serverCount = async () =>
      ((await call('GET', '/servers?all_tenants=1', admin)).json().servers as unknown[]).length;
    const setQuota = async (quota: Record<string, number>) =>
      expect(
        (await call('PUT', `/os-quota-sets/${adminProjectId}`, admin, { quota_set: quota })).statusCode,
      ).toBe(200);

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      call = computeCaller(t);
      const projects = await t.request({
        method: 'GET',
        url: '/identity/v3/projects?name=admin',
        token: admin,
      });
      adminProjectId = projects.json().projects[0].id as string;
      flavor = await createFlavor(t, admin, { name: 'inputs', vcpus: 1, ram: 256, disk: 1 });
      image = await createImage(t, admin, 'inputs-img');
    });
    afterAll(async () => t?.close());

    it("refuses server names Nova's name format refuses, and bad metadata keys, creating nothing", async () => {
      const before = await serverCount();
      const invalidName =
        "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.";
      for (const name of ['a\u0000b', 'bell\u0007', '\u001b[31mred', ' lead', 'trail ', 'line\u2028sep'])
        expectFault(await create({ name }), 400, invalidName);
      for (const key of ['', 'k'.repeat(256), 'a/b'])
        expectFault(
          await create({ metadata: { [key]: 'v' } }),
          400,
          `Invalid input for field 'server/metadata': Additional properties are not allowed ('${key}' was unexpected)`,
        );
      expect(await serverCount()).toBe(before);
    });

    it('accepts printable names in any script, with inner spaces, and 255-character metadata keys', async () => {
      const res = await create({
        name: 'Ünïcode 名前 ok',
        metadata: { ['k'.repeat(255)]: 'v', 'a-b_c:d. e': 'x' },
      });
      expect(res.statusCode).toBe(202);
    });

    it('refuses a body that is not UTF-8 as malformed', async () => {
      const json = Buffer.from(
        JSON.stringify({ server: { name: 'XX', imageRef: image, flavorRef: flavor } }),
      );
      const at = json.indexOf('XX');
      json[at] = 0xc3; // a lead byte followed by an ASCII byte
      const res = await t.request({
        method: 'POST',
        url: '/compute/v2.1/servers',
        token: admin,
        headers: { 'content-type': 'application/json' },
        payload: json,
      });
      expectFault(res, 400, 'Malformed request body');
    });

    it('refuses a network or port that does not exist with 400, creating nothing', async () => {
      const before = await serverCount();
      const net = randomUUID();
      expectFault(await create({ networks: [{ uuid: net }] }), 400, `Network ${net} could not be found.`);
      expectFault(
        await create({ networks: [{ uuid: 'not-a-uuid' }] }),
        400,
        'Bad networks format: network uuid is not in proper format (not-a-uuid)',
      );
      const port = randomUUID();
      expectFault(await create({ networks: [{ port }] }), 400, `Port id ${port} could not be found.`);
      expect(await serverCount()).toBe(before);
    });

    it("refuses a flavor disk below the image's min_disk with Nova's message", async () => {
      const before = await serverCount();
      const big = await createImage(t, admin, 'inputs-big', Buffer.alloc((2 * 1024 ** 3) / 1024, 1));
      const tiny = await createFlavor(t, admin, { name: 'inputs-tiny-disk', vcpus: 1, ram: 256, disk: 1 });
      const patch = (id: string, minDisk: number) =>
        t.request({
          method: 'PATCH',
          url: `/image/v2/images/${id}`,
          token: admin,
          headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' },
          payload: [{ op: 'replace', path: '/min_disk', value: minDisk }],
        });
      expect((await patch(big, 2)).statusCode).toBe(200);
      expectFault(
        await create({ imageRef: big, flavorRef: tiny }),
        400,
        `Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is ${1024 ** 3} bytes, minimum size is ${2 * 1024 ** 3} bytes.`,
      );
      expect(await serverCount()).toBe(before);
    });

    it('boots with networks none (2.37); auto with nothing to allocate from is Nova’s 400', async () => {
      const boot = (networks: string) =>
        t.request({
          method: 'POST',
          url: '/compute/v2.1/servers',
          token: admin,
          headers: { 'openstack-api-version': 'compute 2.37' },
          payload: { server: { name: `n-${networks}`, imageRef: image, flavorRef: flavor, networks } },
        });
      const none = await boot('none');
      expect(none.statusCode, none.body).toBe(202);
      await waitForServer(t, admin, none.json().server.id, 'ACTIVE');
      // This cloud has no network and no default external network: auto-allocation fails
      // (auto-allocated-topology.api.test.ts boots with auto where it can succeed).
      const before = await serverCount();
      expectFault(
        await boot('auto'),
        400,
        /^Unable to automatically allocate a network for project [0-9a-f]{32}$/,
      );
      expect(await serverCount()).toBe(before);
    });

    it('boots an image named by a local block device mapping, and refuses bad mappings with 400', async () => {
      const local = { source_type: 'image', destination_type: 'local', boot_index: 0, uuid: image };
      const res = await create({ imageRef: '', block_device_mapping_v2: [local] });
      expect(res.statusCode, res.body).toBe(202);
      const shown = await waitForServer(t, admin, res.json().server.id as string, 'ACTIVE');
      expect((shown['image'] as { id: string }).id).toBe(image);
      const before = await serverCount();
      const volume = {
        source_type: 'image',
        destination_type: 'volume',
        boot_index: 0,
        uuid: image,
      };
      expectFault(
        await create({ block_device_mapping_v2: [volume] }),
        400,
        "Images with destination_type 'volume' need to have a non-zero size specified",
      );
      const blank = { source_type: 'blank', destination_type: 'local', boot_index: -1, volume_size: 1 };
      expectFault(await create({ block_device_mapping_v2: [local, blank] }), 400, /ephemeral and swap disks/);
      const otherImage = { ...local, uuid: randomUUID() };
      expectFault(await create({ block_device_mapping_v2: [otherImage] }), 400, /the request names image/);
      expect(await serverCount()).toBe(before);
    });

    it("refuses metadata over the project's metadata_items quota with 403", async () => {
      await setQuota({ metadata_items: 2 });
      const before = await serverCount();
      expectFault(
        await create({ metadata: { a: '1', b: '2', c: '3' } }),
        403,
        'Maximum number of metadata items exceeds 2',
      );
      expect(await serverCount()).toBe(before);
      const id = await bootServer(t, admin, {
        name: 'meta',
        imageRef: image,
        flavorRef: flavor,
        metadata: { a: '1' },
      });
      expect(
        (await call('POST', `/servers/${id}/metadata`, admin, { metadata: { b: '2' } })).statusCode,
      ).toBe(200);
      expectFault(
        await call('POST', `/servers/${id}/metadata`, admin, { metadata: { c: '3' } }),
        403,
        'Maximum number of metadata items exceeds 2',
      );
      expect((await call('GET', `/servers/${id}/metadata`, admin)).json().metadata).toEqual({
        a: '1',
        b: '2',
      });
      await setQuota({ metadata_items: 128 });
    });

    it("refuses a member past the project's server_group_members quota with 403", async () => {
      await setQuota({ server_group_members: 1 });
      const group = (
        await call('POST', '/os-server-groups', admin, {
          server_group: { name: 'g', policies: ['affinity'] },
        })
      ).json().server_group.id as string;
      const hints = { 'os:scheduler_hints': { group } };
      expect((await create({ name: 'g1' }, hints)).statusCode).toBe(202);
      const before = await serverCount();
      expectFault(await create({ name: 'g2' }, hints), 403, 'Quota exceeded, too many servers in group');
      expect(await serverCount()).toBe(before);
      const members = (await call('GET', `/os-server-groups/${group}`, admin)).json().server_group.members;
      expect(members).toHaveLength(1);
      await setQuota({ server_group_members: 10 });
    });
  });
}
