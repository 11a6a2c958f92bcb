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

    it('does not send x-compute-request-id from other services', async () => {
      const res = await t.request({ method: 'GET', url: '/image/v2/images', token: admin });
      expect(res.headers['x-compute-request-id']).toBeUndefined();
    });
  });
}
