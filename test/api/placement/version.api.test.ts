import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import { placementCaller } from './placement-calls.js';
import { tokenWithRole } from './placement-users.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: placement versions, faults and policy`, () => {
    let t: TestCloud;
    let admin = '';
    let member = '';
    let service = '';
    const asAdmin = () => placementCaller(t, () => admin);

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      member = await tokenWithRole(t, admin, 'mia', 'member');
      service = await tokenWithRole(t, admin, 'nova', 'service');
    });
    afterAll(async () => t?.close());

    it('serves version discovery without a token', async () => {
      const res = await t.request({ method: 'GET', url: '/placement' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        versions: [
          {
            id: 'v1.0',
            min_version: '1.0',
            max_version: '1.39',
            status: 'CURRENT',
            links: [{ rel: 'self', href: '' }],
          },
        ],
      });
    });

    it('lists the endpoint in the catalog', async () => {
      const res = await t.request({ method: 'GET', url: '/identity/v3/auth/catalog', token: admin });
      const entry = res.json().catalog.find((s: { type: string }) => s.type === 'placement');
      expect(entry.name).toBe('placement');
      expect(entry.endpoints[0].url).toBe('http://127.0.0.1:5000/placement');
    });

    const negotiation = [
      { name: 'no header means 1.0', header: undefined, status: 200, version: 'placement 1.0' },
      { name: 'latest means 1.39', header: 'placement latest', status: 200, version: 'placement 1.39' },
      { name: 'an exact version', header: 'placement 1.20', status: 200, version: 'placement 1.20' },
      {
        name: 'other services are ignored',
        header: 'compute 2.90, placement 1.14',
        status: 200,
        version: 'placement 1.14',
      },
      { name: 'too new is 406', header: 'placement 1.40', status: 406, version: undefined },
      { name: 'garbage is 400', header: 'placement one', status: 400, version: undefined },
    ];
    for (const row of negotiation) {
      it(`negotiates: ${row.name}`, async () => {
        const res = await t.request({
          method: 'GET',
          url: '/placement/resource_providers',
          token: admin,
          headers: row.header === undefined ? {} : { 'openstack-api-version': row.header },
        });
        expect(res.statusCode).toBe(row.status);
        if (row.version !== undefined) expect(res.headers['openstack-api-version']).toBe(row.version);
        else {
          // No version was negotiated, so Placement's fault carries no code.
          expect(res.json().errors[0]).toMatchObject({ status: row.status });
          expect(res.json().errors[0]).not.toHaveProperty('code');
        }
      });
    }

    it('puts the error code in faults from 1.23 only', async () => {
      const missing = '/resource_providers/00000000-0000-0000-0000-00000000dead';
      const before = await asAdmin()('GET', missing, undefined, '1.22');
      expect(before.statusCode).toBe(404);
      expect(before.json().errors[0]).not.toHaveProperty('code');
      const from = await asAdmin()('GET', missing, undefined, '1.23');
      expect(from.json().errors[0].code).toBe('placement.undefined_code');
    });

    it('reads required=in: as any-of from 1.39 only', async () => {
      const q = '/resource_providers?required=in:HW_CPU_X86_AVX,HW_CPU_X86_SSE';
      const before = await asAdmin()('GET', q, undefined, '1.38');
      expect(before.statusCode).toBe(400);
      expect(before.json().errors[0].detail).toContain('in:HW_CPU_X86_AVX');
      expect((await asAdmin()('GET', q, undefined, '1.39')).statusCode).toBe(200);
      const candidates = `/allocation_candidates?resources=VCPU:1&required=in:HW_CPU_X86_AVX,HW_CPU_X86_SSE`;
      expect((await asAdmin()('GET', candidates, undefined, '1.38')).statusCode).toBe(400);
      expect((await asAdmin()('GET', candidates, undefined, '1.39')).statusCode).toBe(200);
    });

    it('answers a method the path does not have with 405 and Allow', async () => {
      const res = await asAdmin()('POST', '/traits');
      expect(res.statusCode).toBe(405);
      expect(res.headers['allow']).toBe('GET, HEAD');
      expect(res.json().errors[0]).toMatchObject({ status: 405, title: 'Method Not Allowed' });
      const rp = await asAdmin()('PUT', '/resource_providers', {});
      expect(rp.headers['allow']).toBe('GET, HEAD, POST');
    });

    it('answers 404 for a route newer than the requested microversion', async () => {
      const res = await asAdmin()('GET', '/traits', undefined, '1.5');
      expect(res.statusCode).toBe(404);
      expect((await asAdmin()('GET', '/traits', undefined, '1.6')).statusCode).toBe(200);
    });

    it('renders faults in Placement format with the request id', async () => {
      const res = await asAdmin()('GET', '/resource_providers/00000000-0000-0000-0000-00000000dead');
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({
        errors: [
          {
            status: 404,
            title: 'Not Found',
            detail: 'No resource provider with uuid 00000000-0000-0000-0000-00000000dead found',
            code: 'placement.undefined_code',
            request_id: res.headers['x-openstack-request-id'],
          },
        ],
      });
    });

    it('answers 400 naming the field for a bad body and a bad query', async () => {
      const body = await asAdmin()('POST', '/resource_providers', { name: 'x', colour: 'blue' });
      expect(body.statusCode).toBe(400);
      expect(body.json().errors[0].detail).toBe(
        "Additional properties are not allowed ('colour' was unexpected)",
      );
      const query = await asAdmin()('GET', '/resource_providers?flavour=1');
      expect(query.statusCode).toBe(400);
      expect(query.json().errors[0].detail).toContain("'flavour' was unexpected");
      const malformed = await t.request({
        method: 'POST',
        url: '/placement/resource_providers',
        token: admin,
        headers: { 'content-type': 'application/json' },
        payload: '{nope',
      });
      expect(malformed.statusCode).toBe(400);
    });

    it('refuses a token-less call with 401 in Placement format', async () => {
      const res = await t.request({ method: 'GET', url: '/placement/resource_providers' });
      expect(res.statusCode).toBe(401);
      expect(res.json().errors[0].status).toBe(401);
    });

    it('refuses a project member with 403 and allows the service role', async () => {
      const asMember = placementCaller(t, () => member);
      for (const [method, url, body] of [
        ['GET', '/resource_providers', undefined],
        ['POST', '/resource_providers', { name: 'sneaky' }],
        ['GET', '/traits', undefined],
        ['GET', '/allocation_candidates?resources=VCPU:1', undefined],
      ] as const) {
        const res = await asMember(method, url, body);
        expect(res.statusCode, `${method} ${url}`).toBe(403);
        expect(res.json().errors[0]).toMatchObject({ status: 403, title: 'Forbidden' });
      }
      expect((await asAdmin()('GET', '/resource_providers?name=sneaky')).json().resource_providers).toEqual(
        [],
      );
      const asService = placementCaller(t, () => service);
      expect((await asService('POST', '/resource_providers', { name: 'by-service' })).statusCode).toBe(200);
    });
  });
}
