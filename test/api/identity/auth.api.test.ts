import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { passwordAuth, startTestCloud } from '../../support/test-cloud.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: identity auth API`, () => {
    let t: TestCloud;
    let admin: string;
    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
    });
    afterAll(async () => t?.close());

    const issue = (body: unknown, query = '') =>
      t.request({ method: 'POST', url: `/identity/v3/auth/tokens${query}`, payload: body as object });

    it('discovers the v3 API at the identity root', async () => {
      const res = await t.request({ method: 'GET', url: '/identity' });
      expect(res.statusCode).toBe(300);
      expect(res.json().versions.values[0]).toMatchObject({ id: 'v3.14', status: 'stable' });
      expect(res.headers['x-openstack-request-id']).toMatch(/^req-[0-9a-f-]{36}$/);
    });

    it('issues a project-scoped token with roles and catalog', async () => {
      const res = await issue(
        passwordAuth('admin', t.adminPassword, { project: { name: 'admin', domain: { name: 'Default' } } }),
      );
      expect(res.statusCode).toBe(201);
      expect(res.headers['x-subject-token']).toBeTypeOf('string');
      const tok = res.json().token;
      expect(tok.project).toMatchObject({ name: 'admin', domain: { id: 'default', name: 'Default' } });
      expect(tok.user).toMatchObject({ name: 'admin', domain: { id: 'default', name: 'Default' } });
      expect(tok.roles.map((r: { name: string }) => r.name).sort()).toEqual(['admin', 'member', 'reader']);
      expect(tok.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(tok.catalog.find((c: { type: string }) => c.type === 'identity').endpoints).toHaveLength(3);
    });

    it('issues system, domain and unscoped tokens', async () => {
      expect(
        (await issue(passwordAuth('admin', t.adminPassword, { system: { all: true } }))).json().token.system,
      ).toEqual({ all: true });
      const unscoped = await issue(passwordAuth('admin', t.adminPassword, undefined));
      expect(unscoped.statusCode).toBe(201);
      expect(unscoped.json().token.roles).toBeUndefined();
      const domain = await issue(passwordAuth('admin', t.adminPassword, { domain: { id: 'default' } }));
      expect(domain.statusCode).toBe(401); // admin holds no role on the domain itself
    });

    it('issues a domain-scoped token once the user holds a role on the domain', async () => {
      const me = (
        await t.request({
          method: 'GET',
          url: '/identity/v3/auth/tokens',
          token: admin,
          headers: { 'x-subject-token': admin },
        })
      ).json().token;
      const reader = me.roles.find((r: { name: string }) => r.name === 'reader').id;
      const grant = await t.request({
        method: 'PUT',
        url: `/identity/v3/domains/default/users/${me.user.id}/roles/${reader}`,
        token: admin,
      });
      expect(grant.statusCode).toBe(204);
      const res = await issue(passwordAuth('admin', t.adminPassword, { domain: { name: 'Default' } }));
      expect(res.statusCode).toBe(201);
      expect(res.json().token.domain).toEqual({ id: 'default', name: 'Default' });
      expect(res.json().token.roles.map((r: { name: string }) => r.name)).toEqual(['reader']);
      const domains = await t.request({ method: 'GET', url: '/identity/v3/auth/domains', token: admin });
      expect(domains.json().domains.map((d: { id: string }) => d.id)).toEqual(['default']);
    });

    it('fills $(project_id)s endpoint templates for the token project', async () => {
      const svc = await t.request({
        method: 'POST',
        url: '/identity/v3/services',
        token: admin,
        payload: { service: { type: 'object-store', name: 'swift' } },
      });
      expect(svc.statusCode).toBe(201);
      const url = 'http://127.0.0.1:8080/v1/AUTH_$(project_id)s';
      const ep = await t.request({
        method: 'POST',
        url: '/identity/v3/endpoints',
        token: admin,
        payload: {
          endpoint: { service_id: svc.json().service.id, interface: 'public', url, region_id: 'RegionOne' },
        },
      });
      expect(ep.statusCode).toBe(201);
      const tok = (
        await issue(
          passwordAuth('admin', t.adminPassword, { project: { name: 'admin', domain: { id: 'default' } } }),
        )
      ).json().token;
      const swift = tok.catalog.find((c: { type: string }) => c.type === 'object-store');
      expect(swift.endpoints[0].url).toBe(`http://127.0.0.1:8080/v1/AUTH_${tok.project.id}`);
    });

    it('refuses a wrong password with 401, a Keystone body and WWW-Authenticate', async () => {
      const res = await issue(passwordAuth('admin', 'wrong'));
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: {
          code: 401,
          title: 'Unauthorized',
          message: 'The request you have made requires authentication.',
        },
      });
      expect(res.headers['www-authenticate']).toBe('Keystone uri="http://localhost:80/identity"');
    });

    it('refuses an unknown user exactly like a wrong password', async () => {
      const res = await issue(passwordAuth('nobody', 'x'));
      expect(res.statusCode).toBe(401);
    });

    it('answers malformed JSON with Keystone 400', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/identity/v3/auth/tokens',
        headers: { 'content-type': 'application/json' },
        payload: '{"auth": ',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toMatch(/^Expecting to find valid JSON in request body/);
    });

    it('names the missing field in a 400', async () => {
      const res = await issue({ auth: { identity: {} } });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toBe(
        "Invalid input for field 'auth/identity': 'methods' is a required property",
      );
    });

    it('rejects an unsupported method with 401', async () => {
      const res = await issue({ auth: { identity: { methods: ['totp'] } } });
      expect(res.statusCode).toBe(401);
    });

    // keystone/auth/core.py and auth/plugins/core.py: a ValidationError (400), raised before the
    // password is checked, so even a wrong password gets it.
    const expecting = (what: string) =>
      `Expecting to find ${what}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`;
    const malformed: ReadonlyArray<readonly [string, object, string]> = [
      [
        'a user named without a domain',
        { identity: { methods: ['password'], password: { user: { name: 'admin', password: 'wrong' } } } },
        expecting('domain in user'),
      ],
      [
        'a project named without a domain',
        {
          identity: passwordAuth('admin', 'wrong').auth.identity,
          scope: { project: { name: 'admin' } },
        },
        expecting('domain in project'),
      ],
      [
        'a scope naming both a project and a domain',
        {
          identity: passwordAuth('admin', 'wrong').auth.identity,
          scope: { project: { name: 'admin', domain: { id: 'default' } }, domain: { id: 'default' } },
        },
        expecting('system, project, domain, OS-TRUST:trust or unscoped in scope'),
      ],
    ];
    for (const [name, auth, message] of malformed) {
      it(`refuses ${name} with 400 and issues no token`, async () => {
        const res = await issue({ auth });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({ error: { code: 400, title: 'Bad Request', message } });
        expect(res.headers['x-subject-token']).toBeUndefined();
      });
    }

    it('validates, checks and revokes a token', async () => {
      const user = await t.token('admin', t.adminPassword);
      const headers = { 'x-subject-token': user };
      const get = await t.request({ method: 'GET', url: '/identity/v3/auth/tokens', token: admin, headers });
      expect(get.statusCode).toBe(200);
      expect(get.json().token.user.name).toBe('admin');
      expect(
        (await t.request({ method: 'HEAD', url: '/identity/v3/auth/tokens', token: admin, headers }))
          .statusCode,
      ).toBe(200);
      expect(
        (await t.request({ method: 'DELETE', url: '/identity/v3/auth/tokens', token: admin, headers }))
          .statusCode,
      ).toBe(204);
      const after = await t.request({
        method: 'GET',
        url: '/identity/v3/auth/tokens',
        token: admin,
        headers,
      });
      expect(after.statusCode).toBe(404);
      expect(after.json().error.message).toBe(`Could not find token: ${user}.`);
      expect(
        (await t.request({ method: 'GET', url: '/identity/v3/auth/catalog', token: user })).statusCode,
      ).toBe(401);
    });

    it('rescopes with the token method inside the original expiry and audit chain', async () => {
      const first = await t.token('admin', t.adminPassword, 'unscoped' as never);
      const res = await issue({
        auth: { identity: { methods: ['token'], token: { id: first } }, scope: { system: { all: true } } },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json().token.audit_ids).toHaveLength(2);
      expect(res.json().token.methods).toContain('token');
    });

    it('expires tokens', async () => {
      const tok = await t.token('admin', t.adminPassword);
      t.clock.advance(3601_000);
      try {
        const res = await t.request({ method: 'GET', url: '/identity/v3/auth/catalog', token: tok });
        expect(res.statusCode).toBe(401);
      } finally {
        t.clock.advance(-3601_000);
      }
    });

    it('rejects a garbage token with 401', async () => {
      const res = await t.request({ method: 'GET', url: '/identity/v3/projects', token: 'not-a-token' });
      expect(res.statusCode).toBe(401);
    });

    it('serves the catalog, the caller projects and domains', async () => {
      const cat = await t.request({ method: 'GET', url: '/identity/v3/auth/catalog', token: admin });
      expect(cat.json().catalog).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'identity', name: 'keystone' })]),
      );
      const projects = await t.request({ method: 'GET', url: '/identity/v3/auth/projects', token: admin });
      expect(projects.json().projects.map((p: { name: string }) => p.name)).toEqual(['admin']);
      const system = await t.request({ method: 'GET', url: '/identity/v3/auth/system', token: admin });
      expect(system.json().system).toEqual([{ all: true }]);
    });
  });
}
