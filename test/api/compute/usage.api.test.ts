import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerVmState } from '../../../src/db/schema.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { computeCaller, createPersonas, expectRefusal, insertServer } from './compute-api-fixtures.js';

/**
 * A server row with known times: name, project, [vcpus, MiB, root GiB, ephemeral GiB],
 * launched, terminated (a terminated one is deleted too, as Strata deletes), vm_state.
 */
type UsageRow = readonly [
  name: string,
  project: string,
  size: readonly [number, number, number, number],
  launched: string | null,
  terminated?: string,
  vmState?: ServerVmState,
];

const usage = '/os-simple-tenant-usage';
const day2001 = 'start=2001-01-01T00:00:00&end=2001-01-02T00:00:00';
const badTime = 'Invalid datetime string: Datetime is in invalid format';
const startAfterEnd = 'Invalid start time. The start time cannot occur after the end time.';
/** Nova's arithmetic: whole microseconds to seconds, then to hours, as floats. */
const hoursOf = (fromIso: string, toIso: string) =>
  ((Date.parse(toIso) - Date.parse(fromIso)) * 1000) / 1_000_000 / 3600;
/** Nova prints naive datetimes with microseconds; read one back as UTC milliseconds. */
const msOf = (naive: string) => Date.parse(`${naive}Z`);

type Json = Record<string, unknown>;

for (const dialect of testDialects()) {
  describe(`${dialect}: os-simple-tenant-usage`, () => {
    let t: TestCloud;
    let p: Personas;
    let call: ReturnType<typeof computeCaller>;
    const ids: Record<string, string> = {};

    async function insertUsageRow(row: UsageRow): Promise<string> {
      const [name, projectId, [vcpus, ram, disk, ephemeral], launched, terminated, vmState] = row;
      const id = await insertServer(t, { projectId, vcpus, ram, disk });
      const flavor = {
        id: 'f',
        name: `flavor-${vcpus}`,
        vcpus,
        ram,
        disk,
        ephemeral,
        swap: 0,
        extraSpecs: {},
      };
      await t.cloud.store.db
        .updateTable('servers')
        .set({
          name,
          flavor: JSON.stringify(flavor),
          launched_at: launched,
          terminated_at: terminated ?? null,
          deleted_at: terminated ?? null,
          vm_state: terminated !== undefined ? 'deleted' : (vmState ?? 'active'),
        })
        .where('id', '=', id)
        .execute();
      return id;
    }

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
      call = computeCaller(t);
      const [own, other] = [p.projectId, p.otherProjectId];
      const rows: UsageRow[] = [
        // Counted: running since before the period (charged from its start), ended inside it, ended after it.
        ['all-day', own, [2, 2048, 10, 5], '2000-12-31T12:00:00.000Z'],
        ['lunch', own, [1, 512, 1, 0], '2001-01-01T06:00:00.000Z', '2001-01-01T07:30:00.360Z'],
        ['late', own, [4, 4096, 20, 0], '2001-01-01T23:00:00.000Z', '2001-01-02T05:00:00.000Z'],
        ['other', other, [8, 8192, 40, 0], '2001-01-01T12:00:00.000Z', undefined, 'stopped'],
        // Not counted: gone before the start, ended exactly at the start, launched at the end, never launched.
        ['gone', own, [1, 1, 1, 0], '2000-12-30T00:00:00.000Z', '2000-12-31T23:59:59.999Z'],
        ['edge-start', own, [1, 1, 1, 0], '2000-12-31T00:00:00.000Z', '2001-01-01T00:00:00.000Z'],
        ['edge-end', own, [1, 1, 1, 0], '2001-01-02T00:00:00.000Z'],
        ['unlaunched', own, [1, 1, 1, 0], null, undefined, 'error'],
      ];
      for (const row of rows) ids[row[0]] = await insertUsageRow(row);
    });
    afterAll(async () => t?.close());

    /** What Nova answers for the own project over 2001-01-01 (uptime of the running server aside). */
    function ownUsage2001(uptimeOfRunning: unknown): Json {
      const lunch = hoursOf('2001-01-01T06:00:00.000Z', '2001-01-01T07:30:00.360Z');
      const entry = (name: string, s: Json) => ({
        instance_id: ids[name],
        name,
        tenant_id: p.projectId,
        ...s,
      });
      const servers = [
        entry('all-day', {
          hours: 24,
          flavor: 'flavor-2',
          memory_mb: 2048,
          local_gb: 15,
          vcpus: 2,
          started_at: '2000-12-31T12:00:00.000000',
          ended_at: null,
          state: 'active',
          uptime: uptimeOfRunning,
        }),
        entry('lunch', {
          hours: lunch,
          flavor: 'flavor-1',
          memory_mb: 512,
          local_gb: 1,
          vcpus: 1,
          started_at: '2001-01-01T06:00:00.000000',
          ended_at: '2001-01-01T07:30:00.360000',
          state: 'terminated',
          uptime: 5400,
        }),
        entry('late', {
          hours: 1,
          flavor: 'flavor-4',
          memory_mb: 4096,
          local_gb: 20,
          vcpus: 4,
          started_at: '2001-01-01T23:00:00.000000',
          ended_at: '2001-01-02T05:00:00.000000',
          state: 'terminated',
          uptime: 21600,
        }),
      ].sort((a, b) => String(a.instance_id).localeCompare(String(b.instance_id)));
      return {
        tenant_id: p.projectId,
        server_usages: servers,
        total_local_gb_usage: expect.closeTo(15 * 24 + lunch + 20, 9),
        total_vcpus_usage: expect.closeTo(2 * 24 + lunch + 4, 9),
        total_memory_mb_usage: expect.closeTo(2048 * 24 + 512 * lunch + 4096, 9),
        total_hours: expect.closeTo(24 + lunch + 1, 9),
        start: '2001-01-01T00:00:00.000000',
        stop: '2001-01-02T00:00:00.000000',
      };
    }

    const otherUsage2001 = (detailed: boolean): Json => ({
      tenant_id: p.otherProjectId,
      ...(detailed && {
        server_usages: [
          {
            hours: 12,
            flavor: 'flavor-8',
            instance_id: ids['other'],
            name: 'other',
            tenant_id: p.otherProjectId,
            memory_mb: 8192,
            local_gb: 40,
            vcpus: 8,
            started_at: '2001-01-01T12:00:00.000000',
            ended_at: null,
            state: 'stopped',
            uptime: expect.any(Number),
          },
        ],
      }),
      total_local_gb_usage: 480,
      total_vcpus_usage: 96,
      total_memory_mb_usage: 98304,
      total_hours: 12,
      start: '2001-01-01T00:00:00.000000',
      stop: '2001-01-02T00:00:00.000000',
    });

    it('shows a project its usage over [start, end): overlap hours times vcpus, MiB and GiB', async () => {
      const before = t.clock.now().getTime();
      const res = await call('GET', `${usage}/${p.projectId}?${day2001}`, p.reader);
      const after = t.clock.now().getTime();
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { tenant_usage: Json & { server_usages: Json[] } };
      expect(body).toEqual({ tenant_usage: ownUsage2001(expect.any(Number)) });
      // Nova's key order, for clients that print the JSON as it comes; the serializer writes
      // optional members (server_usages, only with detailed=1 in lists) after the required ones.
      const required = Object.keys(ownUsage2001(0)).filter((k) => k !== 'server_usages');
      expect(Object.keys(body.tenant_usage)).toEqual([...required, 'server_usages']);
      expect(Object.keys(body.tenant_usage.server_usages[0]!)).toEqual(
        ['hours', 'flavor', 'instance_id', 'name', 'tenant_id', 'memory_mb', 'local_gb', 'vcpus'].concat([
          'started_at',
          'ended_at',
          'state',
          'uptime',
        ]),
      );
      // A running server's uptime runs to now, not to the end of the period.
      const running = body.tenant_usage.server_usages.find((s) => s['name'] === 'all-day')!;
      const launched = Date.parse('2000-12-31T12:00:00.000Z');
      expect(running['uptime']).toBeGreaterThanOrEqual(Math.trunc((before - launched) / 1000));
      expect(running['uptime']).toBeLessThanOrEqual(Math.trunc((after - launched) / 1000));
    });

    it('lists every project for an admin, in project order, with server_usages only when detailed=1', async () => {
      const ordered = (list: Json[]) =>
        [...list].sort((a, b) => String(a['tenant_id']).localeCompare(String(b['tenant_id'])));
      const plain = await call('GET', `${usage}?${day2001}`, p.admin);
      expect(plain.statusCode, plain.body).toBe(200);
      const { server_usages: _omitted, ...ownTotals } = ownUsage2001(0);
      expect(plain.json()).toEqual({ tenant_usages: ordered([ownTotals, otherUsage2001(false)]) });
      for (const detailed of ['detailed=true', 'detailed=0'])
        expect(
          ((await call('GET', `${usage}?${day2001}&${detailed}`, p.admin)).json() as Json)['tenant_usages'],
        ).toEqual(ordered([ownTotals, otherUsage2001(false)]));
      const detailed = await call('GET', `${usage}?${day2001}&detailed=1`, p.admin);
      expect(detailed.json()).toEqual({
        tenant_usages: ordered([ownUsage2001(expect.any(Number)), otherUsage2001(true)]),
      });
    });

    it('answers an empty object and an empty list when nothing ran in the period', async () => {
      const period = 'start=1999-01-01T00:00:00&end=1999-12-31T00:00:00';
      expect((await call('GET', `${usage}/${p.projectId}?${period}`, p.member)).json()).toEqual({
        tenant_usage: {},
      });
      expect((await call('GET', `${usage}/no-such-project?${day2001}`, p.admin)).json()).toEqual({
        tenant_usage: {},
      });
      expect((await call('GET', `${usage}?${period}&detailed=1`, p.admin)).json()).toEqual({
        tenant_usages: [],
      });
    });

    it('reads the three formats Nova accepts, and the first non-blank of repeated parameters', async () => {
      for (const [query, start] of [
        ['start=2001-1-1T0:0:0&end=2001-01-02T00:00:00', '2001-01-01T00:00:00.000000'],
        ['start=2001-01-01T00:00:00.000000&end=2001-01-02T00:00:00', '2001-01-01T00:00:00.000000'],
        ['start=2001-01-01%2000:00:00.5&end=2001-01-02T00:00:00', '2001-01-01T00:00:00.500000'],
        ['start=2001-01-01+00:00:00.5&end=2001-01-02T00:00:00', '2001-01-01T00:00:00.500000'],
        ['start=&start=2001-01-01T00:00:00&start=junk&end=2001-01-02T00:00:00', '2001-01-01T00:00:00.000000'],
      ]) {
        const res = await call('GET', `${usage}/${p.projectId}?${query}`, p.member);
        expect(res.statusCode, `${query}: ${res.body}`).toBe(200);
        expect(res.json().tenant_usage.start).toBe(start);
      }
    });

    const [mine, listRule, showRule] = [`${usage}/PROJECT`, /tenant-usage:list/, /tenant-usage:show/];
    const refusals: ReadonlyArray<readonly [string, keyof Personas, string, number, string | RegExp]> = [
      ['list as a project member', 'member', `${usage}?${day2001}`, 403, listRule],
      ['list as a project reader', 'reader', usage, 403, listRule],
      ['another project as its member', 'other', mine, 403, showRule],
      ['a bad date after the policy, as Nova', 'other', `${mine}?start=junk`, 403, showRule],
      ['a date without a time', 'admin', `${usage}?start=2001-01-01`, 400, badTime],
      ['a date with a zone', 'member', `${mine}?end=2001-01-01T00:00:00Z`, 400, badTime],
      ['a day the month lacks', 'admin', `${usage}?start=2001-02-29T00:00:00`, 400, badTime],
      ['seven fraction digits', 'admin', `${usage}?start=2001-01-01T00:00:00.1234567`, 400, badTime],
      [
        'a start after the end',
        'admin',
        `${usage}?start=2001-01-02T00:00:00&end=2001-01-01T00:00:00`,
        400,
        startAfterEnd,
      ],
      [
        'a start equal to the end',
        'reader',
        `${mine}?start=2001-01-01T00:00:00&end=2001-01-01T00:00:00.0`,
        400,
        startAfterEnd,
      ],
      ['a start in the future', 'admin', `${usage}?start=2999-01-01T00:00:00`, 400, startAfterEnd],
    ];
    it.each(refusals)('refuses %s', async (label, as, url, status, message) => {
      const request = `GET ${url.replace('PROJECT', p.projectId)}`;
      await expectRefusal(call, p, [label, as, request, undefined, status, message]);
    });

    it('lets an admin read any project, and a project member its own', async () => {
      for (const [token, project] of [
        [p.admin, p.otherProjectId],
        [p.other, p.otherProjectId],
        [p.member, p.projectId],
      ] as const) {
        const res = await call('GET', `${usage}/${project}?${day2001}`, token);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().tenant_usage.tenant_id).toBe(project);
      }
    });

    it('covers at most 1000 servers, the first by project then id, as Nova before 2.40', async () => {
      const project = `cap-${randomUUID()}`;
      const template = await insertUsageRow([
        'cap',
        project,
        [1, 64, 1, 0],
        '2005-01-01T00:00:00.000Z',
        '2005-01-01T01:00:00.000Z',
      ]);
      const row = await t.cloud.store.db
        .selectFrom('servers')
        .selectAll()
        .where('id', '=', template)
        .executeTakeFirstOrThrow();
      const copies = Array.from({ length: 1000 }, () => ({ ...row, id: randomUUID() }));
      for (let i = 0; i < copies.length; i += 200)
        await t.cloud.store.db
          .insertInto('servers')
          .values(copies.slice(i, i + 200))
          .execute();
      const lastId = [template, ...copies.map((c) => c.id)].sort().at(-1);
      const res = await call(
        'GET',
        `${usage}/${project}?start=2005-01-01T00:00:00&end=2005-01-02T00:00:00`,
        p.admin,
      );
      const body = res.json().tenant_usage as { server_usages: Json[]; total_hours: number };
      expect(body.server_usages).toHaveLength(1000);
      expect(body.server_usages.map((s) => s['instance_id'])).not.toContain(lastId);
      expect(body.total_hours).toBeCloseTo(1000, 9);
    });

    it('counts a server booted and deleted through the API, deleted ones included', async () => {
      const flavor = await createFlavor(t, p.admin, { name: 'usage.small', vcpus: 1, ram: 256, disk: 1 });
      const image = await createImage(t, p.admin, 'usage-image');
      const project = await createProjectMember(t, p.admin);
      const id = await bootServer(t, project.token, { name: 'metered', imageRef: image, flavorRef: flavor });
      await waitForServer(t, project.token, id, 'ACTIVE');
      expect((await call('DELETE', `/servers/${id}`, project.token)).statusCode).toBe(204);
      await waitForServer(t, project.token, id, 'DELETED');
      const res = await call(
        'GET',
        `${usage}/${project.id}?start=2001-01-01T00:00:00&end=2999-01-01T00:00:00`,
        project.token,
      );
      expect(res.statusCode, res.body).toBe(200);
      const [s] = res.json().tenant_usage.server_usages as Json[];
      expect(s).toMatchObject({
        instance_id: id,
        name: 'metered',
        flavor: 'usage.small',
        vcpus: 1,
        memory_mb: 256,
        local_gb: 1,
        state: 'terminated',
      });
      const [started, ended] = [String(s!['started_at']), String(s!['ended_at'])];
      expect(s!['hours']).toBe(hoursOf(`${started}Z`, `${ended}Z`));
      expect(s!['uptime']).toBe(Math.trunc((msOf(ended) - msOf(started)) / 1000));
    });

    it('charges a running server up to now, cuts the end to now, and moves with the clock', async () => {
      const project = `clock-${randomUUID()}`;
      const launched = new Date(t.clock.now().getTime() - 3_600_000).toISOString();
      await insertUsageRow(['ticking', project, [2, 1024, 5, 0], launched]);
      // Tokens expire as the clock moves: each call takes a fresh one.
      const show = async () => {
        const res = await call(
          'GET',
          `${usage}/${project}?start=2001-01-01T00:00:00&end=2999-01-01T00:00:00`,
          await t.adminToken(),
        );
        expect(res.statusCode, res.body).toBe(200);
        return res.json().tenant_usage as Json & { server_usages: Json[] };
      };
      const first = await show();
      const stop = msOf(String(first['stop']));
      expect(stop).toBeGreaterThan(Date.parse(launched) + 3_600_000 - 1);
      expect(first['server_usages'][0]!['hours']).toBe(hoursOf(launched, new Date(stop).toISOString()));
      expect(first['total_vcpus_usage']).toBe(2 * (first['total_hours'] as number));
      t.clock.advance(2 * 3_600_000);
      const later = await show();
      expect(msOf(String(later['stop'])) - stop).toBeGreaterThanOrEqual(2 * 3_600_000);
      expect(later['total_hours']).toBeGreaterThanOrEqual(3);
      expect(later['server_usages'][0]!['uptime']).toBeGreaterThanOrEqual(3 * 3600);
    });

    it('without start and end reports the instant now: running servers listed with zero hours', async () => {
      const res = await call('GET', `${usage}?detailed=1`, await t.adminToken());
      expect(res.statusCode, res.body).toBe(200);
      const list = res.json().tenant_usages as Json[];
      expect(list.length).toBeGreaterThan(0);
      for (const u of list) {
        expect(u['start']).toBe(u['stop']);
        expect(u['total_hours']).toBe(0);
      }
      const names = list.flatMap((u) => (u['server_usages'] as Json[]).map((s) => s['name']));
      expect(names).toContain('all-day');
      expect(names).not.toContain('lunch');
    });
  });
}

/** A project with one member, for servers no other test sees. */
async function createProjectMember(t: TestCloud, admin: string): Promise<{ id: string; token: string }> {
  const identity = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => {
    const res = await t.request({
      method,
      url: `/identity/v3${url}`,
      token: admin,
      ...(payload && { payload }),
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.statusCode === 204 ? {} : res.json();
  };
  const name = `usage-${randomUUID().slice(0, 8)}`;
  const id = (await identity('POST', '/projects', { project: { name } })).project.id as string;
  const user = (await identity('POST', '/users', { user: { name, password: `${name}-pw` } })).user
    .id as string;
  const role = (await identity('GET', '/roles?name=member')).roles[0].id as string;
  await identity('PUT', `/projects/${id}/users/${user}/roles/${role}`);
  return { id, token: await t.token(name, `${name}-pw`, { project: { id } }) };
}
