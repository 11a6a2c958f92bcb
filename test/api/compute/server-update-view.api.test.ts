import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

/** What Nova's update and rebuild views hold before 2.75 (an ACTIVE/REBUILD server: with progress). */
const core = [
  'id',
  'name',
  'status',
  'tenant_id',
  'user_id',
  'metadata',
  'hostId',
  'image',
  'flavor',
  'created',
  'updated',
  'addresses',
  'accessIPv4',
  'accessIPv6',
  'links',
  'OS-DCF:diskConfig',
  'progress',
];

/** Microversion -> the fields later microversions add to the core view. */
const added: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ['2.1', []],
  ['2.8', []],
  ['2.9', ['locked']],
  ['2.18', ['locked']],
  ['2.19', ['locked', 'description']],
  ['2.25', ['locked', 'description']],
  ['2.26', ['locked', 'description', 'tags']],
  ['2.37', ['locked', 'description', 'tags']],
];

const sorted = (keys: ReadonlyArray<string>) => [...keys].sort();

for (const dialect of testDialects()) {
  describe(`${dialect}: server update and rebuild bodies`, () => {
    let t: TestCloud;
    let admin: string;
    let image: string;
    let server: string;
    const call = (method: 'PUT' | 'POST', url: string, mv: string, payload: object) =>
      t.request({
        method,
        url: `/compute/v2.1${url}`,
        token: admin,
        headers: { 'openstack-api-version': `compute ${mv}` },
        payload,
      });

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      const flavor = await createFlavor(t, admin, { name: 'm1.view', vcpus: 1, ram: 256, disk: 1 });
      image = await createImage(t, admin, 'cirros-view');
      server = await bootServer(t, admin, { name: 'view', imageRef: image, flavorRef: flavor });
      await waitForServer(t, admin, server, 'ACTIVE');
    });
    afterAll(async () => t?.close());

    it.each(added)('PUT /servers/{id} at %s returns exactly the core fields', async (mv, extra) => {
      const res = await call('PUT', `/servers/${server}`, mv, { server: { name: `view-${mv}` } });
      expect(res.statusCode, res.body).toBe(200);
      expect(sorted(Object.keys(res.json().server))).toEqual(sorted([...core, ...extra]));
      expect(res.json().server.name).toBe(`view-${mv}`);
    });

    it.each(added)('rebuild at %s returns the core fields and adminPass', async (mv, extra) => {
      const res = await call('POST', `/servers/${server}/action`, mv, { rebuild: { imageRef: image } });
      expect(res.statusCode, res.body).toBe(202);
      const body = res.json().server;
      expect(sorted(Object.keys(body))).toEqual(sorted([...core, ...extra, 'adminPass']));
      expect(body.adminPass).toMatch(/^\S{8,}$/);
      await waitForServer(t, admin, server, 'ACTIVE');
    });

    it('rebuild echoes the adminPass the caller gave', async () => {
      const res = await call('POST', `/servers/${server}/action`, '2.1', {
        rebuild: { imageRef: image, adminPass: 'chosen-secret' },
      });
      expect(res.json().server.adminPass).toBe('chosen-secret');
      await waitForServer(t, admin, server, 'ACTIVE');
    });
  });
}
