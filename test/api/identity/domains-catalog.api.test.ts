import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: identity domains, users and catalog API`, () => {
    let t: TestCloud;
    let admin: string;
    const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) =>
      t.request({
        method,
        url: `/identity/v3${url}`,
        token: admin,
        ...(payload !== undefined && { payload }),
      });

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
    });
    afterAll(async () => t?.close());

    it('describes v3 at /identity/v3 and lists versions at /identity', async () => {
      const v3 = await t.request({ method: 'GET', url: '/identity/v3' });
      expect(v3.statusCode).toBe(200);
      expect(v3.json()).toEqual({
        version: {
          id: 'v3.14',
          status: 'stable',
          updated: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          links: [{ rel: 'self', href: 'http://localhost:80/identity/v3/' }],
          'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
        },
      });
      const root = await t.request({ method: 'GET', url: '/identity/' });
      expect(root.statusCode).toBe(300);
      expect(root.json()).toEqual({ versions: { values: [v3.json().version] } });
    });

    it('creates, updates and deletes a domain, refusing while it is enabled', async () => {
      const created = await call('POST', '/domains', { domain: { name: 'acme', description: 'd' } });
      expect(created.statusCode).toBe(201);
      const d = created.json().domain;
      expect(d).toMatchObject({ name: 'acme', description: 'd', enabled: true });
      expect(d.links.self).toBe(`http://localhost:80/identity/v3/domains/${d.id}`);
      const user = (await call('POST', '/users', { user: { name: 'wile', domain_id: d.id } })).json().user;
      expect(user.domain_id).toBe(d.id);

      const enabled = await call('DELETE', `/domains/${d.id}`);
      expect(enabled.statusCode).toBe(403);
      expect(enabled.json()).toEqual({
        error: {
          code: 403,
          title: 'Forbidden',
          message: 'Cannot delete a domain that is enabled, please disable it first.',
        },
      });
      expect((await call('GET', `/domains/${d.id}`)).statusCode).toBe(200);

      const patched = await call('PATCH', `/domains/${d.id}`, {
        domain: { enabled: false, description: 'e' },
      });
      expect(patched.json().domain).toMatchObject({ id: d.id, enabled: false, description: 'e' });
      expect((await call('DELETE', `/domains/${d.id}`)).statusCode).toBe(204);
      expect((await call('GET', `/domains/${d.id}`)).statusCode).toBe(404);
      expect((await call('GET', `/users/${user.id}`)).statusCode).toBe(404);
    });

    it('deletes a user, whose tokens then stop working', async () => {
      const u = (await call('POST', '/users', { user: { name: 'temp', password: 'pw' } })).json().user;
      const tok = await t.token('temp', 'pw', 'unscoped' as never);
      expect(
        (await t.request({ method: 'GET', url: '/identity/v3/auth/projects', token: tok })).statusCode,
      ).toBe(200);
      expect((await call('DELETE', `/users/${u.id}`)).statusCode).toBe(204);
      expect((await call('GET', `/users/${u.id}`)).statusCode).toBe(404);
      expect((await call('DELETE', `/users/${u.id}`)).statusCode).toBe(404);
      expect(
        (await t.request({ method: 'GET', url: '/identity/v3/auth/projects', token: tok })).statusCode,
      ).toBe(401);
    });

    it('creates, updates and deletes a region', async () => {
      const r = await call('POST', '/regions', { region: { id: 'RegionTwo', description: 'two' } });
      expect(r.statusCode).toBe(201);
      expect(r.json().region).toMatchObject({ id: 'RegionTwo', description: 'two', parent_region_id: null });
      const patched = await call('PATCH', '/regions/RegionTwo', { region: { description: 'deux' } });
      expect(patched.json().region.description).toBe('deux');
      const ids = (await call('GET', '/regions')).json().regions.map((x: { id: string }) => x.id);
      expect(ids).toEqual(expect.arrayContaining(['RegionOne', 'RegionTwo']));
      expect((await call('DELETE', '/regions/RegionTwo')).statusCode).toBe(204);
      expect((await call('GET', '/regions/RegionTwo')).statusCode).toBe(404);
    });

    it('creates, updates and deletes a service and its endpoint', async () => {
      const svc = await call('POST', '/services', { service: { type: 'volumev3', name: 'cinder' } });
      expect(svc.statusCode).toBe(201);
      const s = svc.json().service;
      expect(s).toMatchObject({ type: 'volumev3', name: 'cinder', enabled: true });
      const ep = await call('POST', '/endpoints', {
        endpoint: {
          service_id: s.id,
          interface: 'public',
          url: 'http://127.0.0.1:8776/v3',
          region_id: 'RegionOne',
        },
      });
      expect(ep.statusCode).toBe(201);
      const e = ep.json().endpoint;
      expect(e).toMatchObject({
        service_id: s.id,
        interface: 'public',
        region_id: 'RegionOne',
        enabled: true,
      });
      const moved = await call('PATCH', `/endpoints/${e.id}`, {
        endpoint: { url: 'http://127.0.0.1:8777/v3' },
      });
      expect(moved.json().endpoint.url).toBe('http://127.0.0.1:8777/v3');
      const renamed = await call('PATCH', `/services/${s.id}`, { service: { name: 'block' } });
      expect(renamed.json().service.name).toBe('block');
      const listed = (await call('GET', `/endpoints?service_id=${s.id}`)).json().endpoints;
      expect(listed.map((x: { id: string }) => x.id)).toEqual([e.id]);
      const bad = await call('POST', '/endpoints', {
        endpoint: { service_id: s.id, interface: 'sideways', url: 'http://x' },
      });
      expect(bad.statusCode).toBe(400);
      expect((await call('DELETE', `/endpoints/${e.id}`)).statusCode).toBe(204);
      expect((await call('DELETE', `/services/${s.id}`)).statusCode).toBe(204);
      expect((await call('GET', `/services/${s.id}`)).statusCode).toBe(404);
      expect((await call('GET', `/endpoints/${e.id}`)).statusCode).toBe(404);
    });
  });
}
