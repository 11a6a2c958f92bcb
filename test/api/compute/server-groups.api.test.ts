import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { computeCaller, createPersonas, insertServer } from './compute-api-fixtures.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: compute server groups API`, () => {
    let t: TestCloud;
    let p: Personas;
    let call: ReturnType<typeof computeCaller>;
    // Soft policies exist from 2.15 on.
    const create = async (token: string, name: string, policy: string) => {
      const res = await t.request({
        method: 'POST',
        url: '/compute/v2.1/os-server-groups',
        token,
        headers: { 'openstack-api-version': `compute ${policy.startsWith('soft-') ? '2.15' : '2.1'}` },
        payload: { server_group: { name, policies: [policy] } },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().server_group as { id: string; name: string };
    };
    const namesOf = async (token: string, query = '') =>
      (await call('GET', `/os-server-groups${query}`, token))
        .json()
        .server_groups.map((g: { name: string }) => g.name);

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
      call = computeCaller(t);
    });
    afterAll(async () => t?.close());

    it('creates each policy and shows it in the 2.1 shape', async () => {
      for (const policy of ['affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity']) {
        const g = await create(p.member, `g-${policy}`, policy);
        const shape = {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          name: `g-${policy}`,
          policies: [policy],
          members: [],
          metadata: {},
        };
        // 2.15 includes 2.13's owners.
        const owners = policy.startsWith('soft-') && { project_id: p.projectId, user_id: p.memberUserId };
        expect(g).toEqual({ ...shape, ...owners });
        expect((await call('GET', `/os-server-groups/${g.id}`, p.reader)).json().server_group).toEqual(shape);
      }
      const old = await call('POST', '/os-server-groups', p.member, {
        server_group: { name: 'too-soon', policies: ['soft-affinity'] },
      });
      expect(old.statusCode).toBe(400);
      expect(old.json().badRequest.message).toContain("'soft-affinity' is not one of");
      expect(await namesOf(p.member)).toEqual([
        'g-affinity',
        'g-anti-affinity',
        'g-soft-affinity',
        'g-soft-anti-affinity',
      ]);
    });

    it('lists live members only', async () => {
      const g = await create(p.member, 'with-members', 'anti-affinity');
      const live = await insertServer(t, { projectId: p.projectId, vcpus: 1, ram: 64 });
      const dead = await insertServer(t, { projectId: p.projectId, vcpus: 1, ram: 64, deleted: true });
      await t.cloud.store.db
        .insertInto('server_group_members')
        .values([
          { group_id: g.id, server_id: live },
          { group_id: g.id, server_id: dead },
        ])
        .execute();
      expect((await call('GET', `/os-server-groups/${g.id}`, p.member)).json().server_group.members).toEqual([
        live,
      ]);
      expect((await call('DELETE', `/os-server-groups/${g.id}`, p.member)).statusCode).toBe(204);
      const gone = await call('GET', `/os-server-groups/${g.id}`, p.member);
      expect(gone.json()).toEqual({
        itemNotFound: { code: 404, message: `Instance group ${g.id} could not be found.` },
      });
      const rows = await t.cloud.store.db
        .selectFrom('server_group_members')
        .selectAll()
        .where('group_id', '=', g.id)
        .execute();
      expect(rows).toEqual([]);
    });

    it('keeps projects apart; all_projects works for admins only', async () => {
      const theirs = await create(p.other, 'theirs', 'affinity');
      expect(await namesOf(p.member)).not.toContain('theirs');
      expect(await namesOf(p.member, '?all_projects=True')).not.toContain('theirs');
      expect(await namesOf(p.admin)).toEqual([]);
      expect(await namesOf(p.admin, '?all_projects=True')).toEqual(
        expect.arrayContaining(['theirs', 'g-affinity']),
      );
      const show = await call('GET', `/os-server-groups/${theirs.id}`, p.member);
      expect(show.statusCode).toBe(403);
      expect(show.json().forbidden.message).toBe(
        'You are not authorized to perform the requested action: os_compute_api:os-server-groups:show.',
      );
      expect((await call('DELETE', `/os-server-groups/${theirs.id}`, p.member)).statusCode).toBe(403);
      expect((await call('GET', `/os-server-groups/${theirs.id}`, p.admin)).statusCode).toBe(200);
    });

    it('pages with limit and offset', async () => {
      expect(await namesOf(p.member, '?limit=2')).toEqual(['g-affinity', 'g-anti-affinity']);
      expect(await namesOf(p.member, '?limit=2&offset=3')).toEqual(['g-soft-anti-affinity']);
    });

    it('enforces the server_groups quota with 403', async () => {
      await call('PUT', `/os-quota-sets/${p.otherProjectId}`, p.admin, { quota_set: { server_groups: 1 } });
      const res = await call('POST', '/os-server-groups', p.other, {
        server_group: { name: 'extra', policies: ['affinity'] },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().forbidden.message).toBe('Quota exceeded, too many server groups.');
      expect(await namesOf(p.other)).toEqual(['theirs']);
    });

    const bad: ReadonlyArray<readonly [string, keyof Personas, object, number, RegExp]> = [
      [
        'an unknown policy',
        'member',
        { server_group: { name: 'x', policies: ['spread'] } },
        400,
        /server_group\/policies\/0/,
      ],
      [
        'two policies',
        'member',
        { server_group: { name: 'x', policies: ['affinity', 'anti-affinity'] } },
        400,
        /server_group\/policies/,
      ],
      ['no policies', 'member', { server_group: { name: 'x' } }, 400, /'policies' is a required property/],
      [
        'the 2.64 policy field',
        'member',
        { server_group: { name: 'x', policy: 'affinity', policies: ['affinity'] } },
        400,
        /'policy' was unexpected/,
      ],
      [
        'a padded name',
        'member',
        { server_group: { name: 'x ', policies: ['affinity'] } },
        400,
        /server_group\/name/,
      ],
      [
        'a reader creating',
        'reader',
        { server_group: { name: 'x', policies: ['affinity'] } },
        403,
        /os-server-groups:create/,
      ],
    ];

    it.each(bad)('refuses %s and writes nothing', async (_label, as, body, status, message) => {
      const before = await namesOf(p.admin, '?all_projects=1');
      const res = await call('POST', '/os-server-groups', p[as], body);
      expect(res.statusCode, res.body).toBe(status);
      expect((Object.values(res.json())[0] as { message: string }).message).toMatch(message);
      expect(await namesOf(p.admin, '?all_projects=1')).toEqual(before);
    });

    it('answers 404 for an unknown group', async () => {
      const res = await call('GET', '/os-server-groups/00000000-0000-0000-0000-000000000000', p.member);
      expect(res.statusCode).toBe(404);
      expect(res.json().itemNotFound.code).toBe(404);
    });
  });
}
