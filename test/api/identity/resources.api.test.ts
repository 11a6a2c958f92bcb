import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { passwordAuth, startTestCloud } from '../../support/test-cloud.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: identity resources API`, () => {
    let t: TestCloud;
    let admin: string;
    const call = (
      method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'HEAD',
      url: string,
      token: string,
      payload?: object,
    ) => t.request({ method, url: `/identity/v3${url}`, token, ...(payload !== undefined && { payload }) });
    const roleId = async (name: string) =>
      (await call('GET', `/roles?name=${name}`, admin)).json().roles[0].id as string;
    /** GET /v3/auth/tokens: `subject` as `token` sees it. */
    const validate = (subject: string, token = admin) =>
      t.request({
        method: 'GET',
        url: '/identity/v3/auth/tokens',
        token,
        headers: { 'x-subject-token': subject },
      });
    const roleNames = (res: { json(): { token: { roles: Array<{ name: string }> } } }) =>
      res
        .json()
        .token.roles.map((r) => r.name)
        .sort();
    const myUserId = async () => (await validate(admin)).json().token.user.id as string;
    const appCredAuth = (application_credential: { id: string; secret: string }) =>
      t.request({
        method: 'POST',
        url: '/identity/v3/auth/tokens',
        payload: { auth: { identity: { methods: ['application_credential'], application_credential } } },
      });
    const countProjects = async () =>
      (await call('GET', '/projects', admin)).json().projects.length as number;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
    });
    afterAll(async () => t?.close());

    it('creates, shows, updates, lists and deletes a project', async () => {
      const created = await call('POST', '/projects', admin, {
        project: { name: 'alpha', description: 'a', tags: ['x'], color: 'blue' },
      });
      expect(created.statusCode).toBe(201);
      const p = created.json().project;
      expect(p).toMatchObject({
        name: 'alpha',
        domain_id: 'default',
        parent_id: 'default',
        enabled: true,
        is_domain: false,
        tags: ['x'],
        color: 'blue',
      });
      expect((await call('GET', `/projects/${p.id}`, admin)).json().project.name).toBe('alpha');
      const updated = await call('PATCH', `/projects/${p.id}`, admin, {
        project: { description: 'b', enabled: false },
      });
      expect(updated.json().project).toMatchObject({ description: 'b', enabled: false });
      expect((await call('GET', '/projects?name=alpha', admin)).json().projects).toHaveLength(1);
      expect((await call('DELETE', `/projects/${p.id}`, admin)).statusCode).toBe(204);
      const gone = await call('GET', `/projects/${p.id}`, admin);
      expect(gone.statusCode).toBe(404);
      expect(gone.json()).toEqual({
        error: { code: 404, title: 'Not Found', message: `Could not find project: ${p.id}.` },
      });
    });

    it('answers a duplicate with 409 and writes nothing', async () => {
      await call('POST', '/projects', admin, { project: { name: 'dup' } });
      const before = await countProjects();
      const res = await call('POST', '/projects', admin, { project: { name: 'dup' } });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.message).toBe(
        'Conflict occurred attempting to store project - Duplicate entry found with name dup at domain ID default.',
      );
      expect(await countProjects()).toBe(before);
    });

    it('rejects invalid input naming the field, and writes nothing', async () => {
      const before = await countProjects();
      const res = await call('POST', '/projects', admin, { project: { name: 42 } });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toBe(
        "Invalid input for field 'project/name': 42 is not of type 'string'",
      );
      expect(await countProjects()).toBe(before);
    });

    it('refuses to delete a project with children', async () => {
      const parent = (await call('POST', '/projects', admin, { project: { name: 'parent' } })).json().project;
      const child = (
        await call('POST', '/projects', admin, { project: { name: 'child', parent_id: parent.id } })
      ).json().project;
      expect(child.parent_id).toBe(parent.id);
      expect((await call('DELETE', `/projects/${parent.id}`, admin)).statusCode).toBe(403);
    });

    describe('a member user', () => {
      let member: string;
      let memberId: string;
      let own: string;
      let other: string;
      beforeAll(async () => {
        own = (await call('POST', '/projects', admin, { project: { name: 'own' } })).json().project.id;
        other = (await call('POST', '/projects', admin, { project: { name: 'other' } })).json().project.id;
        const u = await call('POST', '/users', admin, {
          user: { name: 'mia', password: 'pw1', email: 'mia@example.org' },
        });
        expect(u.statusCode).toBe(201);
        expect(u.json().user).toMatchObject({
          name: 'mia',
          email: 'mia@example.org',
          domain_id: 'default',
          enabled: true,
        });
        expect(u.json().user.password).toBeUndefined();
        memberId = u.json().user.id;
        expect(
          (await call('PUT', `/projects/${own}/users/${memberId}/roles/${await roleId('member')}`, admin))
            .statusCode,
        ).toBe(204);
        member = await t.token('mia', 'pw1', { project: { id: own } });
      });

      it('holds member and the implied reader role', async () => {
        expect(roleNames(await validate(member, member))).toEqual(['member', 'reader']);
      });

      it('gets 403 on admin-only calls', async () => {
        for (const [method, url, body] of [
          ['GET', '/projects', undefined],
          ['POST', '/projects', { project: { name: 'sneaky' } }],
          ['GET', '/users', undefined],
          ['POST', '/roles', { role: { name: 'sneaky' } }],
          ['GET', '/role_assignments', undefined],
        ] as const) {
          const res = await call(method, url, member, body);
          expect(res.statusCode, `${method} ${url}`).toBe(403);
          expect(res.json().error.title).toBe('Forbidden');
        }
        expect((await call('GET', '/projects?name=sneaky', admin)).json().projects).toHaveLength(0);
      });

      it('sees its own project but not another project', async () => {
        expect((await call('GET', `/projects/${own}`, member)).statusCode).toBe(200);
        const res = await call('GET', `/projects/${other}`, member);
        expect(res.statusCode).toBe(403);
        expect(res.json().error.message).toBe(
          'You are not authorized to perform the requested action: identity:get_project.',
        );
      });

      it('cannot scope to a project it has no role on', async () => {
        await expect(t.token('mia', 'pw1', { project: { id: other } })).rejects.toThrow(/401/);
      });

      it('changes its own password, which revokes its tokens', async () => {
        const wrong = await t.request({
          method: 'POST',
          url: `/identity/v3/users/${memberId}/password`,
          payload: { user: { original_password: 'nope', password: 'pw2' } },
        });
        expect(wrong.statusCode).toBe(401);
        const extra = await t.request({
          method: 'POST',
          url: `/identity/v3/users/${memberId}/password`,
          payload: { user: { original_password: 'pw1', password: 'pw2', x: 1 } },
        });
        expect(extra.statusCode).toBe(400);
        const old = await t.token('mia', 'pw1', { project: { id: own } });
        t.clock.advance(1000);
        const ok = await t.request({
          method: 'POST',
          url: `/identity/v3/users/${memberId}/password`,
          payload: { user: { original_password: 'pw1', password: 'pw2' } },
        });
        expect(ok.statusCode).toBe(204);
        expect((await call('GET', `/projects/${own}`, old)).statusCode).toBe(401);
        member = await t.token('mia', 'pw2', { project: { id: own } });
      });

      it('loses access when its role is removed', async () => {
        const tok = await t.token('mia', 'pw2', { project: { id: own } });
        expect(
          (await call('DELETE', `/projects/${own}/users/${memberId}/roles/${await roleId('member')}`, admin))
            .statusCode,
        ).toBe(204);
        expect((await call('GET', `/projects/${own}`, tok)).statusCode).toBe(401);
        await call('PUT', `/projects/${own}/users/${memberId}/roles/${await roleId('member')}`, admin);
      });
    });

    it('lists role assignments with names and effective roles', async () => {
      const named = await call('GET', '/role_assignments?include_names=True', admin);
      expect(named.statusCode).toBe(200);
      const adminOnProject = named
        .json()
        .role_assignments.find(
          (a: { scope: { project?: { name: string } } }) => a.scope.project?.name === 'admin',
        );
      expect(adminOnProject).toMatchObject({
        role: { name: 'admin' },
        user: { name: 'admin', domain: { name: 'Default' } },
        scope: { project: { domain: { id: 'default', name: 'Default' } } },
      });
      const effective = await call(
        'GET',
        '/role_assignments?effective&user.id=' + adminOnProject.user.id,
        admin,
      );
      const names = new Set(
        effective.json().role_assignments.map((a: { role: { id: string } }) => a.role.id),
      );
      expect(names.has(await roleId('reader'))).toBe(true);
    });

    it('grants through a group and by inheritance', async () => {
      const g = (await call('POST', '/groups', admin, { group: { name: 'ops' } })).json().group;
      const u = (await call('POST', '/users', admin, { user: { name: 'gus', password: 'pw' } })).json().user;
      const p = (await call('POST', '/projects', admin, { project: { name: 'grp' } })).json().project;
      expect((await call('PUT', `/groups/${g.id}/users/${u.id}`, admin)).statusCode).toBe(204);
      expect(
        (await call('PUT', `/projects/${p.id}/groups/${g.id}/roles/${await roleId('reader')}`, admin))
          .statusCode,
      ).toBe(204);
      expect(await t.token('gus', 'pw', { project: { id: p.id } })).toBeTypeOf('string');
      const sub = (
        await call('POST', '/projects', admin, { project: { name: 'sub', parent_id: p.id } })
      ).json().project;
      await expect(t.token('gus', 'pw', { project: { id: sub.id } })).rejects.toThrow(/401/);
      const inherit = `/OS-INHERIT/projects/${p.id}/users/${u.id}/roles/${await roleId('member')}/inherited_to_projects`;
      expect((await call('PUT', inherit, admin)).statusCode).toBe(204);
      const gusToken = await t.token('gus', 'pw', { project: { id: sub.id } });
      const mine = await call('GET', '/auth/projects', gusToken);
      expect(
        mine
          .json()
          .projects.map((x: { name: string }) => x.name)
          .sort(),
      ).toEqual(['grp', 'sub']);
      const listed = await call('GET', `/users/${u.id}/projects`, admin);
      expect(
        listed
          .json()
          .projects.map((x: { name: string }) => x.name)
          .sort(),
      ).toEqual(['grp', 'sub']);
    });

    it('creates an application credential and authenticates with it', async () => {
      const me = await myUserId();
      const res = await call('POST', `/users/${me}/application_credentials`, admin, {
        application_credential: {
          name: 'ci',
          roles: [{ name: 'reader' }],
          expires_at: '2099-01-02T03:04:05Z',
        },
      });
      expect(res.statusCode).toBe(201);
      const cred = res.json().application_credential;
      expect(cred.secret).toBeTypeOf('string');
      // As oslo prints datetimes, which gophercloud parses without a zone.
      expect(cred.expires_at).toBe('2099-01-02T03:04:05.000000');
      expect(cred.roles.map((r: { name: string }) => r.name)).toEqual(['reader']);
      const auth = await appCredAuth(cred);
      expect(auth.statusCode).toBe(201);
      const tok = auth.json().token;
      expect(tok.roles.map((r: { name: string }) => r.name)).toEqual(['reader']);
      expect(tok.application_credential).toMatchObject({ id: cred.id, restricted: true });
      const appToken = String(auth.headers['x-subject-token']);
      const again = await call('POST', `/users/${me}/application_credentials`, appToken, {
        application_credential: { name: 'nested' },
      });
      expect(again.statusCode).toBe(403);
      const bad = await call('POST', `/users/${me}/application_credentials`, admin, {
        application_credential: { name: 'bad', roles: [{ id: 'x', extra: 1 }] },
      });
      expect(bad.statusCode).toBe(400);
      const wrong = await appCredAuth({ id: cred.id, secret: 'nope' });
      expect(wrong.statusCode).toBe(401);
    });

    it('limits an application credential to its access rules, in every service', async () => {
      const me = await myUserId();
      const rule = { service: 'compute', method: 'GET', path: '/v2.1/servers' };
      const create = async (name: string, access_rules: object[]) =>
        call('POST', `/users/${me}/application_credentials`, admin, {
          application_credential: { name, access_rules },
        });
      const res = await create('ruled', [rule, { service: 'identity', method: 'GET', path: '/v3/users/*' }]);
      expect(res.statusCode).toBe(201);
      const cred = res.json().application_credential;
      const [serversRule, usersRule] = cred.access_rules;
      expect(serversRule).toEqual({ ...rule, id: expect.stringMatching(/^[0-9a-f]{32}$/) });
      const auth = await appCredAuth(cred);
      expect(auth.json().token.application_credential.access_rules).toEqual(cred.access_rules);
      const tok = String(auth.headers['x-subject-token']);
      const status = async (url: string, method: 'GET' | 'POST' = 'GET') =>
        (await t.request({ method, url, token: tok, ...(method === 'POST' && { payload: {} }) })).statusCode;
      expect(await status('/compute/v2.1/servers')).toBe(200);
      expect(await status(`/identity/v3/users/${me}`)).toBe(200);
      expect(await status('/compute/v2.1/flavors')).toBe(401);
      expect(await status('/compute/v2.1/servers/detail')).toBe(401);
      expect(await status('/identity/v3/users')).toBe(401);
      expect(await status('/image/v2/images')).toBe(401);
      expect(await status('/compute/v2.1/servers', 'POST')).toBe(401);
      const validated = await validate(tok, tok);
      expect(validated.statusCode).toBe(200);
      // The same call asked for again keeps its id; a rule can be named by its id alone.
      const reused = await create('ruled-again', [rule, { id: usersRule.id }]);
      expect(reused.json().application_credential.access_rules).toEqual([serversRule, usersRule]);
      const unknown = await create('ruled-unknown', [{ id: 'f'.repeat(32) }]);
      expect(unknown.statusCode).toBe(404);
      expect((await create('ruled-partial', [{ service: 'compute' }])).statusCode).toBe(400);
      // The user's rules, as /v3/users/{id}/access_rules shows them: in use, so not deletable.
      const rules = (await call('GET', `/users/${me}/access_rules`, admin)).json().access_rules;
      expect(rules.map((r: { id: string }) => r.id).sort()).toEqual([serversRule.id, usersRule.id].sort());
      const one = await call('GET', `/users/${me}/access_rules/${usersRule.id}`, admin);
      expect(one.json().access_rule).toMatchObject(usersRule);
      // Keystone's self link names the rule outside its user.
      expect(one.json().access_rule.links).toEqual({
        self: `http://localhost:80/identity/v3/access_rules/${usersRule.id}`,
      });
      const del = await call('DELETE', `/users/${me}/access_rules/${usersRule.id}`, admin);
      expect(del.statusCode).toBe(403);
      expect(del.json().error.message).toBe('May not delete access rule in use');
      expect((await call('GET', `/users/${me}/access_rules/${'e'.repeat(32)}`, admin)).statusCode).toBe(404);
    });

    it('manages roles and implied roles', async () => {
      const r = (await call('POST', '/roles', admin, { role: { name: 'auditor' } })).json().role;
      const reader = await roleId('reader');
      expect((await call('PUT', `/roles/${r.id}/implies/${reader}`, admin)).statusCode).toBe(201);
      expect((await call('HEAD', `/roles/${r.id}/implies/${reader}`, admin)).statusCode).toBe(204);
      const inferences = (await call('GET', '/role_inferences', admin)).json().role_inferences;
      expect(inferences.some((i: { prior_role: { name: string } }) => i.prior_role.name === 'auditor')).toBe(
        true,
      );
      const immutable = await call('DELETE', `/roles/${reader}`, admin);
      expect(immutable.statusCode).toBe(403);
      expect(immutable.json().error.message).toBe(
        `Unable to delete immutable role resource: \`${reader}. Set resource option "immutable" to false first.`,
      );
      // The one change an immutable role takes is unsetting immutable, alone.
      const both = { role: { description: 'x', options: { immutable: false } } };
      expect((await call('PATCH', `/roles/${reader}`, admin, both)).statusCode).toBe(403);
      const unset = await call('PATCH', `/roles/${reader}`, admin, {
        role: { options: { immutable: null } },
      });
      expect(unset.statusCode).toBe(200);
      expect(unset.json().role.options).toEqual({});
      const renamed = { role: { description: 'reads', options: { immutable: true } } };
      expect((await call('PATCH', `/roles/${reader}`, admin, renamed)).json().role).toMatchObject({
        description: 'reads',
        options: { immutable: true },
      });
      expect((await call('DELETE', `/roles/${r.id}`, admin)).statusCode).toBe(204);
    });

    it('refuses implied roles that would hand out admin or reach into a domain', async () => {
      const r = (await call('POST', '/roles', admin, { role: { name: 'escalator' } })).json().role;
      const domainRole = (
        await call('POST', '/roles', admin, { role: { name: 'd-helper', domain_id: 'default' } })
      ).json().role;
      const refused = [
        [
          `/roles/${r.id}/implies/${await roleId('admin')}`,
          `${await roleId('admin')} cannot be an implied roles.`,
        ],
        [`/roles/${r.id}/implies/${domainRole.id}`, 'Global role cannot imply a domain-specific role'],
      ];
      for (const [url, message] of refused) {
        const res = await call('PUT', url!, admin);
        expect(res.statusCode, url).toBe(403);
        expect(res.json()).toEqual({ error: { code: 403, title: 'Forbidden', message } });
      }
      expect((await call('GET', `/roles/${r.id}/implies`, admin)).json().role_inference.implies).toEqual([]);
      for (const id of [r.id, domainRole.id]) await call('DELETE', `/roles/${id}`, admin);
    });

    it('keeps domain-specific roles out of tokens, even one named admin', async () => {
      const fake = (
        await call('POST', '/roles', admin, { role: { name: 'admin', domain_id: 'default' } })
      ).json().role;
      const member = await roleId('member');
      expect((await call('PUT', `/roles/${fake.id}/implies/${member}`, admin)).statusCode).toBe(201);
      const user = (await call('POST', '/users', admin, { user: { name: 'posing', password: 'pw' } })).json()
        .user;
      const project = (await call('GET', '/projects?name=admin', admin)).json().projects[0];
      const grant = `/projects/${project.id}/users/${user.id}/roles/${fake.id}`;
      expect((await call('PUT', grant, admin)).statusCode).toBe(204);
      const tok = await t.token('posing', 'pw', { project: { id: project.id } });
      expect(roleNames(await validate(tok))).toEqual(['member', 'reader']);
      expect((await call('GET', '/users', tok)).statusCode).toBe(403);
      const effective = (
        await call('GET', `/role_assignments?effective&user.id=${user.id}&include_names`, admin)
      ).json().role_assignments;
      expect(effective.map((a: { role: { name: string } }) => a.role.name).sort()).toEqual([
        'member',
        'reader',
      ]);
      // A domain-specific role alone implies nothing here: no role, no token.
      expect((await call('DELETE', `/roles/${fake.id}/implies/${member}`, admin)).statusCode).toBe(204);
      const none = await t.request({
        method: 'POST',
        url: '/identity/v3/auth/tokens',
        payload: passwordAuth('posing', 'pw', { project: { id: project.id } }),
      });
      expect(none.statusCode).toBe(401);
      await call('DELETE', `/users/${user.id}`, admin);
      await call('DELETE', `/roles/${fake.id}`, admin);
    });
  });
}
