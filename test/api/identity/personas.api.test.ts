import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type Row = readonly [Method, string, object?];

// Expectations follow Keystone 22 (Zed) default policies with enforce_scope off
// (keystone/common/policies/*.py): `admin` on any scope passes rule:admin_required.
for (const dialect of testDialects()) {
  describe(`${dialect}: identity personas`, () => {
    let t: TestCloud;
    let admin: string;
    const ids: Record<string, string> = {};
    const call = (token: string, method: Method, url: string, payload?: object) =>
      t.request({ method, url: `/identity/v3${url}`, token, ...(payload !== undefined && { payload }) });
    const create = async (kind: 'domain' | 'project' | 'user', body: Record<string, unknown>) => {
      const res = await call(admin, 'POST', `/${kind}s`, { [kind]: body });
      expect(res.statusCode, `${kind} ${String(body['name'])}`).toBe(201);
      return res.json()[kind].id as string;
    };
    const grant = async (scope: string, user: string, role: string) => {
      const roleId = (await call(admin, 'GET', `/roles?name=${role}`)).json().roles[0].id;
      expect((await call(admin, 'PUT', `${scope}/users/${ids[user]}/roles/${roleId}`)).statusCode).toBe(204);
    };
    const expectStatuses = async (token: string, status: number, rows: ReadonlyArray<Row>) => {
      for (const [method, url, body] of rows) {
        const res = await call(token, method, url, body);
        expect(res.statusCode, `${method} ${url}`).toBe(status);
        if (status === 403) expect(res.json().error).toMatchObject({ code: 403, title: 'Forbidden' });
      }
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      ids['a'] = await create('domain', { name: 'dom-a' });
      ids['b'] = await create('domain', { name: 'dom-b' });
      ids['pa'] = await create('project', { name: 'pa', domain_id: ids['a'] });
      ids['pb'] = await create('project', { name: 'pb', domain_id: ids['b'] });
      ids['ua'] = await create('user', { name: 'ua', domain_id: ids['a'] });
      ids['ub'] = await create('user', { name: 'ub', domain_id: ids['b'] });
      ids['p'] = await create('project', { name: 'reading' });
      for (const name of ['rita', 'dana', 'dora', 'sys'])
        ids[name] = await create('user', { name, password: 'pw' });
      await grant(`/projects/${ids['p']}`, 'rita', 'reader');
      await grant(`/domains/${ids['a']}`, 'dana', 'admin');
      await grant(`/domains/${ids['a']}`, 'dora', 'reader');
      await grant('/system', 'sys', 'reader');
    });
    afterAll(async () => t?.close());

    describe('a project reader', () => {
      let tok: string;
      beforeAll(async () => {
        tok = await t.token('rita', 'pw', { project: { id: ids['p'] } });
      });

      it('reads its project, itself, its projects, regions and its catalog', async () => {
        await expectStatuses(tok, 200, [
          ['GET', `/projects/${ids['p']}`],
          ['GET', `/users/${ids['rita']}`],
          ['GET', `/users/${ids['rita']}/projects`],
          ['GET', '/regions'],
          ['GET', '/auth/catalog'],
          ['GET', '/auth/projects'],
        ]);
      });

      it('gets 403 on writes and on what only system readers may read', async () => {
        await expectStatuses(tok, 403, [
          ['PATCH', `/projects/${ids['p']}`, { project: { description: 'x' } }],
          ['DELETE', `/projects/${ids['p']}`],
          ['POST', '/projects', { project: { name: 'nope' } }],
          ['POST', '/users', { user: { name: 'nope' } }],
          ['PATCH', `/users/${ids['rita']}`, { user: { enabled: false } }],
          ['POST', '/regions', { region: { id: 'Nope' } }],
          ['GET', '/projects'],
          ['GET', '/users'],
          ['GET', '/domains'],
          ['GET', '/services'],
          ['GET', '/endpoints'],
          ['GET', `/projects/${ids['pa']}`],
          ['GET', `/users/${ids['dana']}`],
        ]);
        expect((await call(admin, 'GET', '/projects?name=nope')).json().projects).toEqual([]);
        expect((await call(admin, 'GET', `/users/${ids['rita']}`)).json().user.enabled).toBe(true);
      });
    });

    describe('a domain reader', () => {
      let tok: string;
      beforeAll(async () => {
        tok = await t.token('dora', 'pw', { domain: { id: ids['a'] } });
      });

      it('reads users, projects and assignments in its domain', async () => {
        await expectStatuses(tok, 200, [
          ['GET', `/users?domain_id=${ids['a']}`],
          ['GET', `/projects?domain_id=${ids['a']}`],
          ['GET', `/projects/${ids['pa']}`],
          ['GET', `/domains/${ids['a']}`],
          ['GET', `/role_assignments?scope.domain.id=${ids['a']}`],
        ]);
      });

      // Keystone checks domain-scoped lists against the token's domain and filters the answer to it.
      it('lists only its own domain, whatever the query asks', async () => {
        const list = async (url: string, key: string) => {
          const res = await call(tok, 'GET', url);
          expect(res.statusCode, url).toBe(200);
          return res.json()[key] as Array<Record<string, unknown>>;
        };
        expect((await list('/users', 'users')).map((u) => u['name'])).toEqual(['ua']);
        expect((await list('/projects', 'projects')).map((p) => p['name'])).toEqual(['pa']);
        expect(await list(`/users?domain_id=${ids['b']}`, 'users')).toEqual([]);
        expect(await list(`/projects?domain_id=${ids['b']}`, 'projects')).toEqual([]);
        const grants = await list('/role_assignments', 'role_assignments');
        expect(grants.map((g) => g['scope'])).toEqual([
          { domain: { id: ids['a'] } },
          { domain: { id: ids['a'] } },
        ]);
      });

      it("gets 403 on another domain's objects and on writes in its own", async () => {
        await expectStatuses(tok, 403, [
          ['GET', `/projects/${ids['pb']}`],
          ['GET', `/users/${ids['ub']}`],
          ['GET', `/domains/${ids['b']}`],
          ['POST', '/projects', { project: { name: 'dr-new', domain_id: ids['a'] } }],
          ['POST', '/users', { user: { name: 'dr-new', domain_id: ids['a'] } }],
          ['DELETE', `/projects/${ids['pa']}`],
          ['GET', `/roles?domain_id=${ids['a']}`],
        ]);
      });
    });

    describe('a domain admin', () => {
      let tok: string;
      beforeAll(async () => {
        tok = await t.token('dana', 'pw', { domain: { id: ids['a'] } });
      });

      it('creates, updates and deletes users and projects in its domain', async () => {
        const p = await call(tok, 'POST', '/projects', { project: { name: 'da-p', domain_id: ids['a'] } });
        expect(p.statusCode).toBe(201);
        expect(p.json().project.domain_id).toBe(ids['a']);
        const u = await call(tok, 'POST', '/users', { user: { name: 'da-u', domain_id: ids['a'] } });
        expect(u.statusCode).toBe(201);
        const uid = u.json().user.id;
        expect((await call(tok, 'PATCH', `/users/${uid}`, { user: { enabled: false } })).statusCode).toBe(
          200,
        );
        expect((await call(tok, 'DELETE', `/users/${uid}`)).statusCode).toBe(204);
        expect((await call(tok, 'DELETE', `/projects/${p.json().project.id}`)).statusCode).toBe(204);
      });

      // Keystone 22's create_user/create_project are rule:admin_required, which any `admin`
      // role passes: a domain-scoped admin is a cloud admin there too (bug 968696).
      it('is a cloud administrator, as Keystone defaults make any admin', async () => {
        const res = await call(tok, 'POST', '/projects', { project: { name: 'da-b', domain_id: ids['b'] } });
        expect(res.statusCode).toBe(201);
        expect((await call(tok, 'DELETE', `/projects/${res.json().project.id}`)).statusCode).toBe(204);
      });
    });

    describe('a system reader', () => {
      let tok: string;
      beforeAll(async () => {
        tok = await t.token('sys', 'pw', { system: { all: true } });
      });

      it('reads everything', async () => {
        await expectStatuses(tok, 200, [
          ['GET', '/projects'],
          ['GET', `/projects/${ids['pb']}`],
          ['GET', '/users'],
          ['GET', `/users/${ids['ub']}`],
          ['GET', '/domains'],
          ['GET', '/roles'],
          ['GET', '/role_assignments'],
          ['GET', '/services'],
          ['GET', '/endpoints'],
          ['GET', '/groups'],
        ]);
      });

      it('cannot write', async () => {
        await expectStatuses(tok, 403, [
          ['POST', '/projects', { project: { name: 'sr-new' } }],
          ['POST', '/users', { user: { name: 'sr-new' } }],
          ['POST', '/domains', { domain: { name: 'sr-new' } }],
          ['PATCH', `/projects/${ids['pb']}`, { project: { description: 'x' } }],
          ['DELETE', `/users/${ids['ub']}`],
          ['POST', '/roles', { role: { name: 'sr-new' } }],
          ['POST', '/services', { service: { type: 'sr-new' } }],
          ['DELETE', '/regions/RegionOne'],
        ]);
        expect((await call(admin, 'GET', '/projects?name=sr-new')).json().projects).toEqual([]);
      });
    });
  });
}
