import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

/** Nova's version documents and the headers every compute response carries. */
for (const dialect of testDialects()) {
  describe(`${dialect}: compute root and response headers`, () => {
    let t: TestCloud;
    let admin: string;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
    });
    afterAll(async () => t?.close());

    it('lists its versions at /compute/ with 200, each entry as Nova builds it', async () => {
      for (const url of ['/compute/', '/compute']) {
        const res = await t.request({ method: 'GET', url });
        expect(res.statusCode, url).toBe(200);
        const versions = res.json().versions as Array<Record<string, unknown>>;
        expect(versions).toHaveLength(1);
        expect(Object.keys(versions[0]!).sort()).toEqual(
          ['id', 'links', 'min_version', 'status', 'updated', 'version'].sort(),
        );
        expect(versions[0]).toMatchObject({
          id: 'v2.1',
          status: 'CURRENT',
          min_version: '2.1',
          links: [{ rel: 'self', href: expect.stringMatching(/\/compute\/v2\.1\/$/) }],
        });
      }
    });

    it('describes v2.1 with its self and describedby links and media types', async () => {
      const res = await t.request({ method: 'GET', url: '/compute/v2.1' });
      expect(res.statusCode).toBe(200);
      const v = res.json().version;
      expect(Object.keys(v).sort()).toEqual(
        ['id', 'links', 'media-types', 'min_version', 'status', 'updated', 'version'].sort(),
      );
      expect(v.links.map((l: { rel: string }) => l.rel)).toEqual(['self', 'describedby']);
    });

    it.each([
      ['a version document', 'GET', '/compute/', false, 200],
      ['a listing', 'GET', '/compute/v2.1/flavors', true, 200],
      ['a fault', 'GET', '/compute/v2.1/servers/nope', true, 404],
      ['an unknown path', 'GET', '/compute/v2.1/no-such-thing', true, 404],
      ['an unauthenticated call', 'GET', '/compute/v2.1/servers', false, 401],
    ] as const)(
      'sends x-compute-request-id equal to x-openstack-request-id on %s',
      async (_, method, url, auth, status) => {
        const res = await t.request({ method, url, ...(auth && { token: admin }) });
        expect(res.statusCode).toBe(status);
        expect(res.headers['x-compute-request-id']).toMatch(/^req-[0-9a-f-]{36}$/);
        expect(res.headers['x-compute-request-id']).toBe(res.headers['x-openstack-request-id']);
      },
    );

    it('lists the v2 extensions by alias and shows one, 404 for an unknown alias', async () => {
      const keys = ['alias', 'description', 'links', 'name', 'namespace', 'updated'];
      const list = await t.request({ method: 'GET', url: '/compute/v2.1/extensions', token: admin });
      expect(list.statusCode).toBe(200);
      const extensions = list.json().extensions as Array<Record<string, unknown>>;
      expect(extensions).toHaveLength(99);
      for (const e of extensions) expect(Object.keys(e).sort()).toEqual(keys);
      expect(extensions.map((e) => e['alias'])).toEqual(
        expect.arrayContaining(['os-server-groups', 'os-keypairs', 'OS-EXT-AZ', 'os-availability-zone']),
      );
      const one = await t.request({
        method: 'GET',
        url: '/compute/v2.1/extensions/os-keypairs',
        token: admin,
      });
      expect(one.statusCode).toBe(200);
      expect(one.json().extension).toMatchObject({ alias: 'os-keypairs', name: 'Keypairs', links: [] });
      const none = await t.request({ method: 'GET', url: '/compute/v2.1/extensions/os-nope', token: admin });
      expect(none.statusCode).toBe(404);
      expect(none.json()).toEqual({
        itemNotFound: { code: 404, message: 'The resource could not be found.' },
      });
      expect((await t.request({ method: 'GET', url: '/compute/v2.1/extensions' })).statusCode).toBe(401);
    });

    it('does not send x-compute-request-id from other services', async () => {
      const res = await t.request({ method: 'GET', url: '/image/v2/images', token: admin });
      expect(res.headers['x-compute-request-id']).toBeUndefined();
    });
  });
}
