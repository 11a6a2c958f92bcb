import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import { testDialects } from '../../../src/db/testing/dialects.js';

const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

// Hostile input answered by the body parser and router, before any service code runs: one
// SQLite cloud is enough (no database is touched).
describe('input limits for every service', () => {
  let t: TestCloud;
  let admin: string;

  beforeAll(async () => {
    t = await startTestCloud('sqlite');
    admin = await t.adminToken();
  });
  afterAll(async () => t?.close());

  const post = (url: string, payload: string, token?: string) =>
    t.request({
      method: 'POST',
      url,
      payload,
      headers: { 'content-type': 'application/json' },
      ...(token !== undefined && { token }),
    });

  it('answers 200,000 nested arrays to the unauthenticated token API with a quick 400 in Keystone words', async () => {
    const started = performance.now();
    const res = await post('/identity/v3/auth/tokens', deepArray(200_000));
    const ms = performance.now() - started;
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 400, title: 'Bad Request', message: expect.stringMatching(/nested/) },
    });
    // The scan is linear and the body never reaches JSON.parse or the validators.
    expect(ms).toBeLessThan(150);
  });

  it('answers deep objects in each service with its own fault shape', async () => {
    const body = deepObject(1_000);
    const nova = await post('/compute/v2.1/servers', body, admin);
    expect(nova.statusCode).toBe(400);
    expect(nova.json()).toEqual({ badRequest: { code: 400, message: expect.stringMatching(/nested/) } });
    const neutron = await post('/network/v2.0/networks', body, admin);
    expect(neutron.statusCode).toBe(400);
    expect(neutron.json().NeutronError).toMatchObject({ type: 'HTTPBadRequest' });
    const placement = await post('/placement/resource_providers', body, admin);
    expect(placement.statusCode).toBe(400);
    expect(placement.json().errors[0]).toMatchObject({ status: 400, title: 'Bad Request' });
  });

  it('accepts nesting as deep as real requests use', async () => {
    const res = await post('/identity/v3/auth/tokens', deepObject(20));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).not.toMatch(/nested/);
  });

  it('answers a body over the size limit 413 in the service fault shape', async () => {
    const big = JSON.stringify({ server: { name: 'x'.repeat(2 * 1024 * 1024) } });
    const nova = await post('/compute/v2.1/servers', big, admin);
    expect(nova.statusCode).toBe(413);
    expect(nova.json()).toEqual({ overLimit: { code: 413, message: expect.any(String) } });
    const keystone = await post('/identity/v3/auth/tokens', big);
    expect(keystone.statusCode).toBe(413);
    expect(keystone.json().error).toMatchObject({ code: 413, title: 'Request Entity Too Large' });
  });

  it('addresses a key pair by a 255-character name, as Nova accepts at create', async () => {
    const name = `k-${'x'.repeat(253)}`;
    const url = `/compute/v2.1/os-keypairs/${name}`;
    const created = await post('/compute/v2.1/os-keypairs', JSON.stringify({ keypair: { name } }), admin);
    expect(created.statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url, token: admin })).statusCode).toBe(200);
    expect((await t.request({ method: 'DELETE', url, token: admin })).statusCode).toBe(202);
  });

  it('answers a path segment longer than a request line 414 in the service fault shape', async () => {
    const segment = 'x'.repeat(8191);
    const nova = await t.request({
      method: 'GET',
      url: `/compute/v2.1/os-keypairs/${segment}`,
      token: admin,
    });
    expect(nova.statusCode).toBe(414);
    expect(nova.json()).toEqual({ computeFault: { code: 414, message: 'The request URI is too long.' } });
    expect(nova.headers['x-openstack-request-id']).toMatch(/^req-/);
    const glance = await t.request({ method: 'GET', url: `/image/v2/images/${segment}`, token: admin });
    expect(glance.statusCode).toBe(414);
    expect(glance.json()).toMatchObject({ code: '414 Request-URI Too Long' });
    const keystone = await t.request({ method: 'GET', url: `/identity/v3/users/${segment}`, token: admin });
    expect(keystone.json()).toEqual({
      error: { code: 414, title: 'Request-URI Too Long', message: 'The request URI is too long.' },
    });
  });
});

// Past the router, so on each database: the lookup of an id no column can hold.
for (const dialect of testDialects()) {
  describe(`${dialect}: a long unknown id`, () => {
    let t: TestCloud;
    let admin: string;
    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
    });
    afterAll(async () => t?.close());

    it('answers a 1,600-character id 404 as an unknown one, as OpenStack does', async () => {
      // openstacksdk's cleanups send a resource's repr as its id (about 1,600 characters).
      const segment = `Router(id=${'x'.repeat(1600)})`;
      const neutron = await t.request({
        method: 'GET',
        url: `/network/v2.0/routers/${segment}`,
        token: admin,
      });
      expect(neutron.statusCode, neutron.body).toBe(404);
      expect(neutron.json().NeutronError).toMatchObject({ type: 'RouterNotFound' });
      const nova = await t.request({
        method: 'GET',
        url: `/compute/v2.1/os-keypairs/${segment}`,
        token: admin,
      });
      expect(nova.statusCode).toBe(404);
    });
  });
}
