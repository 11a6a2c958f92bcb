import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

const keystoneError = (code: number, title: string, message: string) => ({ error: { code, title, message } });

// Project hierarchy and tag filters, with Keystone's statuses and words (keystone/resource/core.py).
for (const dialect of testDialects()) {
  describe(`${dialect}: identity projects API`, () => {
    let t: TestCloud;
    let admin: string;
    const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      t.request({
        method,
        url: `/identity/v3${url}`,
        token: admin,
        ...(payload !== undefined && { payload }),
      });
    const create = async (project: Record<string, unknown>): Promise<string> => {
      const res = await call('POST', '/projects', { project });
      if (res.statusCode !== 201) throw new Error(`create ${JSON.stringify(project)}: ${res.body}`);
      return res.json().project.id as string;
    };
    const setEnabled = (id: string, enabled: boolean) =>
      call('PATCH', `/projects/${id}`, { project: { enabled } });
    const show = async (id: string) => (await call('GET', `/projects/${id}`)).json().project;
    const countProjects = async () => (await call('GET', '/projects')).json().projects.length as number;
    const createDomain = async (name: string, enabled = true) =>
      (await call('POST', '/domains', { domain: { name, enabled } })).json().domain.id as string;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
    });
    afterAll(async () => t?.close());

    describe('hierarchy', () => {
      it('refuses a project under a disabled parent with 400 and creates nothing', async () => {
        const parent = await create({ name: 'h-off', enabled: false });
        const before = await countProjects();
        const res = await call('POST', '/projects', { project: { name: 'h-off-child', parent_id: parent } });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual(
          keystoneError(
            400,
            'Bad Request',
            `cannot create a project in a branch containing a disabled project: ${parent}`,
          ),
        );
        expect(await countProjects()).toBe(before);
      });

      it('refuses a project in a disabled domain with 400 naming the domain', async () => {
        const domain = await createDomain('h-off-domain', false);
        const res = await call('POST', '/projects', { project: { name: 'h-in-off', domain_id: domain } });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.message).toBe(
          `cannot create a project in a branch containing a disabled project: ${domain}`,
        );
        const listed = await call('GET', `/projects?domain_id=${domain}`);
        expect(listed.json().projects).toEqual([]);
      });

      it('refuses to disable a project whose subtree is enabled (403), then allows it bottom-up', async () => {
        const parent = await create({ name: 'h-top' });
        const child = await create({ name: 'h-mid', parent_id: parent });
        const grandchild = await create({ name: 'h-leaf', parent_id: child });
        for (const [id, subtree] of [
          [parent, 'h-top'],
          [child, 'h-mid'],
        ] as const) {
          const res = await setEnabled(id, false);
          expect(res.statusCode, subtree).toBe(403);
          expect(res.json()).toEqual(
            keystoneError(
              403,
              'Forbidden',
              `Cannot disable project ${id} since its subtree contains enabled projects.`,
            ),
          );
          expect((await show(id)).enabled, subtree).toBe(true);
        }
        for (const id of [grandchild, child, parent])
          expect((await setEnabled(id, false)).statusCode).toBe(200);
      });

      it('refuses to enable a project under a disabled parent with 403', async () => {
        const parent = await create({ name: 'h-p' });
        const child = await create({ name: 'h-c', parent_id: parent, enabled: false });
        expect((await setEnabled(parent, false)).statusCode).toBe(200);
        const res = await setEnabled(child, true);
        expect(res.statusCode).toBe(403);
        expect(res.json()).toEqual(
          keystoneError(403, 'Forbidden', `Cannot enable project ${child} since it has disabled parents`),
        );
        expect((await show(child)).enabled).toBe(false);
        expect((await setEnabled(parent, true)).statusCode).toBe(200);
        expect((await setEnabled(child, true)).statusCode).toBe(200);
      });

      it('counts the domain among the parents when enabling (403)', async () => {
        const domain = await createDomain('h-dom');
        const project = await create({ name: 'h-in-dom', domain_id: domain, enabled: false });
        const off = await call('PATCH', `/domains/${domain}`, { domain: { enabled: false } });
        expect(off.statusCode).toBe(200);
        const res = await setEnabled(project, true);
        expect(res.statusCode).toBe(403);
        expect(res.json().error.message).toBe(
          `Cannot enable project ${project} since it has disabled parents`,
        );
        expect((await show(project)).enabled).toBe(false);
      });

      it('allows five levels and refuses a sixth with 403 (max_project_tree_depth = 5)', async () => {
        let parent = await create({ name: 'd1' });
        for (const level of [2, 3, 4, 5]) parent = await create({ name: `d${level}`, parent_id: parent });
        const before = await countProjects();
        const res = await call('POST', '/projects', { project: { name: 'd6', parent_id: parent } });
        expect(res.statusCode).toBe(403);
        expect(res.json()).toEqual(
          keystoneError(403, 'Forbidden', `Max hierarchy depth reached for ${parent} branch.`),
        );
        expect(await countProjects()).toBe(before);
      });

      it('refuses a parent in another domain with 400 and creates nothing', async () => {
        const other = await createDomain('h-other');
        const parent = await create({ name: 'h-home' });
        const before = await countProjects();
        const res = await call('POST', '/projects', {
          project: { name: 'h-away', domain_id: other, parent_id: parent },
        });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual(
          keystoneError(
            400,
            'Bad Request',
            `Cannot create project, since it specifies its domain_id ${other}, but specifies a parent in a different domain (default).`,
          ),
        );
        const asParent = await call('POST', '/projects', {
          project: { name: 'h-away', domain_id: 'default', parent_id: other },
        });
        expect(asParent.statusCode).toBe(400);
        expect(asParent.json().error.message).toBe(
          `Cannot create project, the parent (${other}) is acting as a domain, but this project's domain id (default) does not match the parent's id.`,
        );
        expect(await countProjects()).toBe(before);
      });
    });

    describe('tag filters', () => {
      const names = async (query: string) =>
        ((await call('GET', `/projects?${query}`)).json().projects as { name: string }[])
          .map((p) => p.name)
          .filter((n) => n.startsWith('tag-'))
          .sort();

      beforeAll(async () => {
        await create({ name: 'tag-ab', tags: ['a', 'b'] });
        await create({ name: 'tag-a', tags: ['a'] });
        await create({ name: 'tag-c', tags: ['c', 'a"b'] });
        await create({ name: 'tag-none' });
      });

      const rows: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
        ['tags=a,b', ['tag-ab']],
        ['tags=a', ['tag-a', 'tag-ab']],
        ['tags-any=b,c', ['tag-ab', 'tag-c']],
        ['not-tags=a,b', ['tag-a', 'tag-c', 'tag-none']],
        ['not-tags-any=a,c', ['tag-none']],
        ['tags=a&not-tags=b', ['tag-a']],
        ['tags-any=a,c&not-tags-any=b', ['tag-a', 'tag-c']],
        // 'a"b' on tag-c holds a quote, not the tag 'b'.
        ['tags-any=b', ['tag-ab']],
        ['tags-any=A', []],
      ];
      for (const [query, expected] of rows) {
        it(`filters ${query}`, async () => {
          expect(await names(query)).toEqual(expected);
        });
      }
    });
  });
}
