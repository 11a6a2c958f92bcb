import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerTaskState, ServerVmState } from '../../../src/db/tables/compute-tables.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { computeCaller, createPersonas, expectFault, insertServer } from './compute-api-fixtures.js';

/** [name, vm_state, task_state, the status Nova's _STATE_MAP renders for them]. */
const stateRows: ReadonlyArray<readonly [string, ServerVmState, string | null, string]> = [
  ['s-active', 'active', null, 'ACTIVE'],
  ['s-snapshot', 'active', 'image_snapshot', 'ACTIVE'],
  ['s-reboot', 'active', 'reboot_started', 'REBOOT'],
  ['s-hard-reboot', 'active', 'rebooting_hard', 'HARD_REBOOT'],
  ['s-off-hard-reboot', 'stopped', 'rebooting_hard', 'SHUTOFF'],
  ['s-rebuild', 'active', 'rebuilding', 'REBUILD'],
  ['s-off-rebuild', 'stopped', 'rebuild_spawning', 'REBUILD'],
  ['s-error-rebuild', 'error', 'rebuilding', 'REBUILD'],
  ['s-resize', 'active', 'resize_migrating', 'RESIZE'],
  ['s-off-resize', 'stopped', 'resize_finish', 'RESIZE'],
  ['s-verify', 'resized', null, 'VERIFY_RESIZE'],
  ['s-revert', 'resized', 'resize_reverting', 'REVERT_RESIZE'],
  ['s_back_to_source', 'active', 'resize_reverting', 'ACTIVE'],
  ['s-password', 'active', 'updating_password', 'PASSWORD'],
  ['s-migrating', 'paused', 'migrating', 'MIGRATING'],
  ['s-error', 'error', null, 'ERROR'],
];

/** GET /servers and /servers/detail: filters, sorting, changes-since, paging, and update. */
for (const dialect of testDialects()) {
  describe(`${dialect}: compute server list and update`, () => {
    let t: TestCloud;
    let p: Personas;
    let call: ReturnType<typeof computeCaller>;
    let small: string;
    let large: string;
    let image: string;
    const ids: Record<string, string> = {};
    const names = async (query: string, token = p.member) => {
      const res = await call('GET', `/servers/detail?${query}`, token);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().servers as Array<{ name: string }>).map((s) => s.name);
    };

    const stateRow = async (
      name: string,
      vmState: ServerVmState,
      taskState: string | null,
      deleted = false,
    ) => {
      const id = await insertServer(t, { projectId: p.otherProjectId, vcpus: 1, ram: 128, deleted });
      await t.cloud.store.db
        .updateTable('servers')
        .set({ name, vm_state: vmState, task_state: taskState as ServerTaskState | null })
        .where('id', '=', id)
        .execute();
      return id;
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
      call = computeCaller(t);
      small = await createFlavor(t, p.admin, { name: 'list.small', vcpus: 1, ram: 128, disk: 1 });
      large = await createFlavor(t, p.admin, { name: 'list.large', vcpus: 1, ram: 256, disk: 1 });
      image = await createImage(t, p.admin, 'list-image');
      for (const [name, flavor] of [
        ['alpha', small],
        ['beta', large],
        ['gamma', small],
      ] as const) {
        ids[name] = await bootServer(t, p.member, { name, imageRef: image, flavorRef: flavor });
        await waitForServer(t, p.admin, ids[name]!, 'ACTIVE');
      }
      await call('POST', `/servers/${ids['gamma']}/action`, p.member, { 'os-stop': null });
      await waitForServer(t, p.admin, ids['gamma']!, 'SHUTOFF');
      // Rows in the other project with no host, so no agent or scheduler moves them on.
      for (const [name, vmState, taskState] of stateRows)
        ids[name] = await stateRow(name, vmState, taskState);
      ids['s-gone'] = await stateRow('s-gone', 'deleted', null, true);
    });
    afterAll(async () => t?.close());

    it('filters by name, status, flavor and image', async () => {
      expect(await names('name=alp')).toEqual(['alpha']);
      expect((await names('status=SHUTOFF')).sort()).toEqual(['gamma']);
      expect((await names('status=ACTIVE')).sort()).toEqual(['alpha', 'beta']);
      expect((await names(`flavor=${large}`)).sort()).toEqual(['beta']);
      expect((await names(`image=${image}`)).sort()).toEqual(['alpha', 'beta', 'gamma']);
      // Another project sees none of them.
      expect(await names('name=alp', p.other)).toEqual([]);
    });

    // openstacksdk's find_server lists with name=<the name>, and its test names hold `_` and `.`.
    it('filters by name as a regular expression, as Nova does', async () => {
      const other = (q: string) => names(q, p.other).then((n) => n.sort());
      expect(await other('name=s_back_to_source')).toEqual(['s_back_to_source']);
      expect(await other('name=s_back_to.source')).toEqual(['s_back_to_source']);
      expect(await other(`name=${encodeURIComponent('^s-(hard-)?reboot$')}`)).toEqual([
        's-hard-reboot',
        's-reboot',
      ]);
      expect(await other('name=rebuild$')).toEqual(['s-error-rebuild', 's-off-rebuild', 's-rebuild']);
      expect(await other('name=S-ACTIVE')).toEqual([]);
      expect(await other('name=%25')).toEqual([]);
      // A named group is JavaScript's (SQLite's regexp() here) but PostgreSQL refuses it.
      const named = '(?<n>s)-active';
      if (dialect === 'sqlite')
        expect(await other(`name=${encodeURIComponent(named)}`)).toEqual(['s-active']);
      for (const bad of dialect === 'sqlite' ? ['s-('] : ['s-(', named])
        expectFault(
          await call('GET', `/servers?name=${encodeURIComponent(bad)}`, p.other),
          400,
          `Invalid input for query parameters name. Value: ${bad}. '${bad}' is not a valid regular expression`,
        );
    });

    it("renders the status Nova's state map gives each vm_state and task_state", async () => {
      const rendered: Record<string, string> = {};
      for (const [name] of stateRows)
        rendered[name] = (await call('GET', `/servers/${ids[name]}`, p.other)).json().server.status;
      expect(rendered).toEqual(Object.fromEntries(stateRows.map(([name, , , status]) => [name, status])));
    });

    // As Nova's filter: a task-derived status (REBUILD) matches that task only, while a
    // vm_state's own status (ACTIVE) matches the vm_state whatever its task.
    it('filters on the rendered status, task-derived ones included, before the limit', async () => {
      const own: Record<string, string> = { active: 'ACTIVE', stopped: 'SHUTOFF', resized: 'VERIFY_RESIZE' };
      Object.assign(own, { paused: 'PAUSED', error: 'ERROR' });
      const named = (status: string) =>
        stateRows.filter((r) => r[3] === status || own[r[1]] === status).map((r) => r[0]);
      for (const status of new Set(stateRows.map((r) => r[3])))
        expect([status, (await names(`status=${status}`, p.other)).sort()]).toEqual([
          status,
          named(status).sort(),
        ]);
      expect((await names('status=rebuild', p.other)).sort()).toEqual(named('REBUILD').sort());
      expect(await names('status=BOGUS', p.other)).toEqual([]);
      // One a page: each page holds a match, so the filter ran before LIMIT.
      const pages: string[][] = [];
      for (let url: string | undefined = '/servers?status=REBUILD&limit=1'; url !== undefined;) {
        const body: { servers: Array<{ name: string }>; servers_links?: Array<{ href: string }> } = (
          await call('GET', url, p.other)
        ).json();
        pages.push(body.servers.map((s) => s.name));
        url = body.servers_links?.[0]?.href.replace(/^.*\/compute\/v2\.1/, '');
      }
      expect(pages.flat().sort()).toEqual(named('REBUILD').sort());
      expect(pages.slice(0, 3).map((page) => page.length)).toEqual([1, 1, 1]);
    });

    it('deleted=True, as openstackclient sends it, lists only deleted servers, and only for admins', async () => {
      const other = `all_tenants=True&project_id=${p.otherProjectId}`;
      const live = stateRows.map((r) => r[0]).sort();
      for (const v of ['True', 'true', '1', 'yes', 'on', 'T'])
        expect([v, await names(`${other}&deleted=${v}`, p.admin)]).toEqual([v, ['s-gone']]);
      // Anything else is false, as oslo's bool_from_string reads it.
      for (const v of ['False', '0', 'bogus'])
        expect([v, (await names(`${other}&deleted=${v}`, p.admin)).sort()]).toEqual([v, live]);
      expect(await names(`${other}&changes-since=2000-01-01T00:00:00Z`, p.admin)).toContain('s-gone');
      expect(await names(`${other}&changes-since=2000-01-01T00:00:00Z&deleted=False`, p.admin)).not.toContain(
        's-gone',
      );
      expect(await names(`${other}&status=DELETED`, p.admin)).toEqual(['s-gone']);
      expect(await names(`${other}&deleted=True&status=ACTIVE`, p.admin)).toEqual([]);
      // Nova drops `deleted` for other callers, and refuses them status=DELETED.
      expect((await names('deleted=True', p.other)).sort()).toEqual(live);
      expectFault(
        await call('GET', '/servers?status=DELETED', p.other),
        403,
        'Only administrators may list deleted instances',
      );
    });

    it('reads all_tenants as Nova does: admins only, strict booleans, present means yes', async () => {
      const everyone = (await names('all_tenants', p.admin)).sort();
      expect(everyone).toEqual(expect.arrayContaining(['alpha', 's-active']));
      expect((await names('all_tenants=yes', p.admin)).sort()).toEqual(everyone);
      expect((await names('all_tenants=0', p.admin)).sort()).not.toContain('alpha');
      const bad = await call('GET', '/servers?all_tenants=maybe', p.admin);
      expectFault(bad, 400, /^Invalid input received: Unrecognized value 'maybe'/);
      const member = await call('GET', '/servers/detail?all_tenants=1', p.member);
      expectFault(member, 403, /os_compute_api:servers:detail:get_all_tenants/);
    });

    it('sorts by name both ways and pages with marker and next links', async () => {
      expect(await names('sort_key=display_name&sort_dir=asc')).toEqual(['alpha', 'beta', 'gamma']);
      expect(await names('sort_key=display_name&sort_dir=desc')).toEqual(['gamma', 'beta', 'alpha']);
      const first = (
        await call('GET', '/servers?sort_key=display_name&sort_dir=asc&limit=2', p.member)
      ).json();
      expect(first.servers.map((s: { name: string }) => s.name)).toEqual(['alpha', 'beta']);
      const next = first.servers_links[0].href as string;
      expect(next).toContain(`marker=${ids['beta']}`);
      const second = (await call('GET', next.replace(/^.*\/compute\/v2\.1/, ''), p.member)).json();
      expect(second.servers.map((s: { name: string }) => s.name)).toEqual(['gamma']);
      expect(second).not.toHaveProperty('servers_links');
      expectFault(await call('GET', '/servers?sort_key=bogus', p.member), 400, 'Invalid sort_key: bogus');
      expectFault(await call('GET', '/servers?marker=nope', p.member), 400, 'marker [nope] not found');
    });

    it('lists what changed since a time, deleted servers included', async () => {
      // Move the cloud's clock on, so everything before this point is older than `since`; by
      // less than the service down time (60 s), or the fake host's heartbeat looks stale.
      t.clock.advance(5_000);
      const since = t.clock.now().toISOString();
      await call('PUT', `/servers/${ids['alpha']}`, p.member, { server: { name: 'alpha' } });
      const doomed = await bootServer(t, p.member, { name: 'doomed', imageRef: image, flavorRef: small });
      await waitForServer(t, p.admin, doomed, 'ACTIVE');
      await call('DELETE', `/servers/${doomed}`, p.member);
      await waitForServer(t, p.admin, doomed, 'DELETED');
      const changed = (await call('GET', `/servers/detail?changes-since=${since}`, p.member)).json().servers;
      const byName = new Map(changed.map((s: { name: string; status: string }) => [s.name, s.status]));
      expect(byName.get('doomed')).toBe('DELETED');
      expect(byName.has('alpha')).toBe(true);
      expect(byName.has('beta')).toBe(false);
      for (const bad of ['yesterday', '2011/01/01', '2011-13-01T00:00:00Z'])
        expectFault(
          await call('GET', `/servers?changes-since=${encodeURIComponent(bad)}`, p.member),
          400,
          `Invalid input for query parameters changes-since. Value: ${bad}. '${bad}' is not a 'date-time'`,
        );
    });

    it('updates name and access addresses; refuses unknown fields and other projects', async () => {
      const res = await call('PUT', `/servers/${ids['beta']}`, p.member, {
        server: { name: 'beta-2', accessIPv4: '192.0.2.10' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().server).toMatchObject({ name: 'beta-2', accessIPv4: '192.0.2.10' });
      expect(await names('name=beta-2')).toEqual(['beta-2']);
      expectFault(
        await call('PUT', `/servers/${ids['beta']}`, p.member, { server: { flavor: 'x' } }),
        400,
        /'flavor' was unexpected/,
      );
      expectFault(await call('PUT', `/servers/${ids['beta']}`, p.other, { server: { name: 'mine' } }), 404);
      expect(await names('name=beta')).toEqual(['beta-2']);
    });
  });
}
