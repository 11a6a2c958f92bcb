import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRow } from '../../../src/compute/servers/server-store.js';
import { embeddedFlavor, serverRow } from '../../../src/compute/testing/server-rows.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

const shape = { vcpus: 4, memoryMb: 4096, diskGb: 40 };

/**
 * A multi-create is one scheduling request, as in Nova: when the scheduler cannot place
 * every server it created, none is placed, every one ends in ERROR with NoValidHost, and
 * no allocation is left behind.
 */
for (const dialect of testDialects()) {
  describe(`${dialect}: scheduling the servers of one multi-create`, () => {
    let t: TestCloud;
    let admin: string;
    let flavor: string;
    let image: string;
    const get = async (url: string) => (await t.request({ method: 'GET', url, token: admin })).json();
    const antiAffinity = async (name: string) => {
      const g = await t.request({
        method: 'POST',
        url: '/compute/v2.1/os-server-groups',
        token: admin,
        payload: { server_group: { name, policies: ['anti-affinity'] } },
      });
      expect(g.statusCode).toBe(200);
      return g.json().server_group.id as string;
    };
    /** POST /servers with min_count = max_count = `count`; the servers' ids, by reservation. */
    const createMany = async (name: string, count: number, extra: Record<string, unknown> = {}) => {
      const { hints, ...server } = extra;
      const res = await t.request({
        method: 'POST',
        url: '/compute/v2.1/servers',
        token: admin,
        payload: {
          server: {
            name,
            imageRef: image,
            flavorRef: flavor,
            min_count: count,
            max_count: count,
            return_reservation_id: true,
            ...server,
          },
          ...(hints !== undefined && { 'os:scheduler_hints': hints }),
        },
      });
      expect(res.statusCode, res.body).toBe(202);
      const rid = res.json().reservation_id as string;
      const list = await get(`/compute/v2.1/servers?reservation_id=${rid}`);
      const ids = (list.servers as Array<{ id: string }>).map((s) => s.id);
      expect(ids).toHaveLength(count);
      return ids;
    };
    const usage = async (prefix: string) => {
      const rps = (await get('/placement/resource_providers')).resource_providers as Array<{
        uuid: string;
        name: string;
      }>;
      const out: Record<string, number> = {};
      for (const rp of rps.filter((r) => r.name.startsWith(prefix)))
        out[rp.name] = (await get(`/placement/resource_providers/${rp.uuid}/usages`)).usages.MEMORY_MB ?? 0;
      return out;
    };
    const remove = async (ids: ReadonlyArray<string>) => {
      for (const id of ids)
        await t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${id}`, token: admin });
      for (const id of ids) await waitForServer(t, admin, id, 'DELETED');
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      await t.cloud.compute.agents.addFakeHosts(3, shape, { prefix: 'mc', availabilityZone: 'mc' });
      flavor = await createFlavor(t, admin, { name: 'unit', vcpus: 1, ram: 512, disk: 5 });
      image = await createImage(t, admin, 'img');
    });
    afterAll(async () => t?.close());

    it('fails all four members of an anti-affinity group on three hosts, holding no allocation', async () => {
      const group = await antiAffinity('four-on-three');
      const ids = await createMany('aa', 4, { availability_zone: 'mc', hints: { group } });
      const servers = await Promise.all(ids.map((id) => waitForServer(t, admin, id, 'ERROR')));
      for (const s of servers) {
        expect(s['OS-EXT-SRV-ATTR:host']).toBeNull();
        expect(s['fault']).toMatchObject({ code: 500, message: 'No valid host was found. ' });
        expect((s['fault'] as { details: string }).details).toMatch(
          /^not enough hosts for all 4 servers of reservation r-\w+: .*holding a member of the anti-affinity group/,
        );
        expect((await get(`/placement/allocations/${String(s['id'])}`)).allocations).toEqual({});
      }
      await expect.poll(() => usage('mc-')).toEqual({ 'mc-0001': 0, 'mc-0002': 0, 'mc-0003': 0 });
      await remove(ids);
    });

    it('places all three members of an anti-affinity group on three hosts', async () => {
      const group = await antiAffinity('three-on-three');
      const ids = await createMany('ok', 3, { availability_zone: 'mc', hints: { group } });
      const servers = await Promise.all(ids.map((id) => waitForServer(t, admin, id, 'ACTIVE')));
      expect(new Set(servers.map((s) => s['OS-EXT-SRV-ATTR:host']))).toEqual(
        new Set(['mc-0001', 'mc-0002', 'mc-0003']),
      );
      await expect.poll(() => usage('mc-')).toEqual({ 'mc-0001': 512, 'mc-0002': 512, 'mc-0003': 512 });
      await remove(ids);
    });

    it('reschedules one failed build alone: its siblings stay ACTIVE when it finds no host', async () => {
      const group = await antiAffinity('one-retries');
      // The member built on mc-0001 fails there; anti-affinity leaves it nowhere else to go.
      const ids = await createMany('rs', 3, {
        availability_zone: 'mc',
        metadata: { 'fake:fail_create_on_host': 'mc-0001' },
        hints: { group },
      });
      const settled = await Promise.all(ids.map((id) => settle(t, admin, id)));
      const failed = settled.filter((s) => s['status'] === 'ERROR');
      expect(failed).toHaveLength(1);
      const details = (failed[0]!['fault'] as { details: string }).details;
      expect(details).toContain('1 already tried, 2 holding a member of the anti-affinity group');
      expect(details).not.toContain('not enough hosts');
      const active = settled.filter((s) => s['status'] === 'ACTIVE');
      expect(new Set(active.map((s) => s['OS-EXT-SRV-ATTR:host']))).toEqual(new Set(['mc-0002', 'mc-0003']));
      // The failed build's claim on mc-0001 goes once its row says ERROR.
      await expect.poll(() => usage('mc-')).toEqual({ 'mc-0001': 0, 'mc-0002': 512, 'mc-0003': 512 });
      await remove(ids);
    });

    it('keeps a multi-create whole when it falls on the edge of a full scheduling pass', async () => {
      // 499 servers no host can take, then a request of 4 created at one later instant: a
      // pass of 500 would take only one of the four unless it finishes the request.
      const group = await antiAffinity('on-the-edge');
      const rows = [
        ...Array.from({ length: 499 }, (_, i) =>
          waitingRow({ zone: 'nowhere', createdAt: '2000-01-01T00:00:00.000Z', reservation: `r-filler${i}` }),
        ),
        ...Array.from({ length: 4 }, () =>
          waitingRow({ zone: 'mc', createdAt: '2000-01-01T00:00:01.000Z', reservation: 'r-edge', group }),
        ),
      ];
      const db = t.cloud.store.db;
      await db.transaction().execute(async (tx) => {
        await tx.insertInto('servers').values(rows).execute();
        await tx
          .insertInto('server_group_members')
          .values(rows.slice(499).map((r) => ({ group_id: group, server_id: r.id })))
          .execute();
      });
      t.cloud.compute.deps.signals.scheduling();
      const edge = rows.slice(499).map((r) => r.id);
      for (const id of edge) await waitForServer(t, admin, id, 'ERROR');
      await expect.poll(() => usage('mc-')).toEqual({ 'mc-0001': 0, 'mc-0002': 0, 'mc-0003': 0 });
      await db.deleteFrom('server_group_members').where('group_id', '=', group).execute();
      await db
        .deleteFrom('servers')
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
    });

    /** A server row as POST /servers writes it, waiting in task 'scheduling' (flavor 'unit'). */
    function waitingRow(o: {
      zone: string;
      createdAt: string;
      reservation: string;
      group?: string;
    }): ServerRow {
      const id = randomUUID();
      return serverRow({
        id,
        project_id: 'p-edge',
        user_id: 'u-edge',
        name: `edge-${id.slice(0, 8)}`,
        hostname: `edge-${id.slice(0, 8)}`,
        flavor: embeddedFlavor({ id: flavor, disk: 5 }),
        flavor_id: flavor,
        root_gb: 5,
        image_id: image,
        availability_zone: o.zone,
        reservation_id: o.reservation,
        server_group_id: o.group ?? null,
        created_at: o.createdAt,
      });
    }
  });
}

async function settle(t: TestCloud, token: string, id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 500; i++) {
    const s = (await t.request({ method: 'GET', url: `/compute/v2.1/servers/${id}`, token })).json().server;
    if ((s.status === 'ACTIVE' || s.status === 'ERROR') && s['OS-EXT-STS:task_state'] === null) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`server ${id} did not settle`);
}
