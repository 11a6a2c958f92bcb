import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { RunningAgent } from '../../../src/agent/agent.js';
import { startAgent } from '../../../src/agent/agent.js';
import { FakeDriver } from '../../../src/agent/drivers/fake/fake-driver.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import {
  bootServer,
  createFlavor,
  createImage,
  serverStatus,
  silentHost,
  waitForServer,
} from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Method } from './compute-api-fixtures.js';
import { computeCaller } from './compute-api-fixtures.js';

/**
 * A host whose agent can stop (the host dies: no heartbeat, nothing done there) and start
 * again on the same driver, with the workloads it had (the host comes back).
 */
class TestHost {
  readonly driver: FakeDriver;
  #agent: RunningAgent | undefined;

  constructor(
    readonly t: TestCloud,
    readonly hostname: string,
    readonly zone = hostname,
  ) {
    this.driver = new FakeDriver({ vcpus: 8, memoryMb: 8192, diskGb: 100 }, hostname);
  }

  async start(): Promise<void> {
    this.#agent = await startAgent({
      hostname: this.hostname,
      availabilityZone: this.zone,
      driver: this.driver,
      controlPlane: this.t.cloud.compute.gateway.controlPlane,
      log: pino({ level: 'silent' }),
    });
  }

  async stop(): Promise<void> {
    await this.#agent?.stop();
    this.#agent = undefined;
  }

  async runs(id: string): Promise<boolean> {
    return (await this.driver.observe(id)) !== undefined;
  }
}

/** A cloud with no host of its own, the given hosts running, a flavor and an image. */
async function setUp(dialect: 'sqlite' | 'postgres', names: ReadonlyArray<string>, zone?: string) {
  const t = await startTestCloud(dialect, { computeDriver: 'none', serviceDownTimeSec: 60 });
  const admin = await t.adminToken();
  const hosts = names.map((n) => new TestHost(t, n, zone));
  for (const h of hosts) await h.start();
  const flavor = await createFlavor(t, admin, { name: 'unit', vcpus: 1, ram: 512, disk: 1 });
  const image = await createImage(t, admin, 'img');
  const call = computeCaller(t);
  const at = (version: string, method: Method, url: string, payload?: object) =>
    t.request({
      method,
      url: `/compute/v2.1${url}`,
      token: admin,
      headers: { 'openstack-api-version': `compute ${version}` },
      ...(payload !== undefined && { payload }),
    });
  return {
    t,
    admin,
    hosts,
    flavor,
    at,
    boot: async (zoneName: string, flavorRef = flavor) =>
      bootServer(t, admin, { name: zoneName, imageRef: image, flavorRef, availability_zone: zoneName }),
    remove: (id: string) => call('DELETE', `/servers/${id}`, admin),
    forceDown: async (host: string, forced: boolean) => {
      const res = await at('2.11', 'PUT', '/os-services/force-down', {
        host,
        binary: 'nova-compute',
        forced_down: forced,
      });
      expect(res.statusCode, res.body).toBe(200);
    },
    allocations: async (consumer: string) =>
      (await t.request({ method: 'GET', url: `/placement/allocations/${consumer}`, token: admin })).json()
        .allocations as Record<string, unknown>,
    usage: async () => {
      const abs = (await call('GET', '/limits', admin)).json().limits.absolute;
      return [abs.totalInstancesUsed, abs.totalCoresUsed, abs.totalRAMUsed] as number[];
    },
    /** The events of the server's latest `delete` action (deleted servers are shown from 2.21). */
    deleteEvents: async (id: string) => {
      const actions = (await at('2.21', 'GET', `/servers/${id}/os-instance-actions`)).json()
        .instanceActions as Array<{ action: string; request_id: string }>;
      const del = actions.find((a) => a.action === 'delete');
      if (del === undefined) return [];
      const shown = await at('2.21', 'GET', `/servers/${id}/os-instance-actions/${del.request_id}`);
      return shown.json().instanceAction.events as Array<Record<string, unknown>>;
    },
  };
}

type Cloud = Awaited<ReturnType<typeof setUp>>;

/** The delete finished in the request itself: nothing to wait for, nothing left claimed or counted. */
async function expectGoneAtOnce(c: Cloud, id: string, usageAfter: number[]): Promise<void> {
  const res = await c.remove(id);
  expect(res.statusCode, res.body).toBe(204);
  expect((await serverStatus(c.t, c.admin, id)).status).toBe(404);
  expect(await c.allocations(id)).toEqual({});
  expect(await c.usage()).toEqual(usageAfter);
  const events = await c.deleteEvents(id);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ event: 'api__local_delete', result: 'Success' });
}

describe.each(testDialects())('%s: delete on a host that is down (local delete)', (dialect) => {
  it('finishes at once on a forced-down host; the host reaps the workload when it comes back', async () => {
    const c = await setUp(dialect, ['doomed', 'healthy']);
    const [doomed, healthy] = c.hosts as [TestHost, TestHost];
    try {
      const id = await c.boot('doomed');
      const other = await c.boot('healthy');
      await waitForServer(c.t, c.admin, id, 'ACTIVE');
      await waitForServer(c.t, c.admin, other, 'ACTIVE');
      expect(Object.keys(await c.allocations(id))).toHaveLength(1);
      expect(await c.usage()).toEqual([2, 2, 1024]);

      // The host dies and the operator, who fenced it, says so.
      await doomed.stop();
      await c.forceDown('doomed', true);
      const shown = (await c.at('2.16', 'GET', `/servers/${id}`)).json().server;
      expect(shown.host_status).toBe('DOWN');

      await expectGoneAtOnce(c, id, [1, 1, 512]);
      expect(await doomed.runs(id)).toBe(true); // nothing ran on the dead host

      // Back: its agent finds the workload of a deleted server and destroys it.
      await c.forceDown('doomed', false);
      await doomed.start();
      await expect.poll(() => doomed.runs(id), { timeout: 5000 }).toBe(false);
      expect(await healthy.runs(other)).toBe(true);
      expect((await serverStatus(c.t, c.admin, other)).body['status']).toBe('ACTIVE');
    } finally {
      for (const h of c.hosts) await h.stop();
      await c.t.close();
    }
  });

  it('finishes at once on a host whose heartbeat is stale; a disabled host that is up still goes through its agent', async () => {
    const c = await setUp(dialect, ['silent', 'healthy']);
    const [silent, healthy] = c.hosts as [TestHost, TestHost];
    try {
      const id = await c.boot('silent');
      const other = await c.boot('healthy');
      await waitForServer(c.t, c.admin, id, 'ACTIVE');
      await waitForServer(c.t, c.admin, other, 'ACTIVE');

      // The agent stops heartbeating; a minute later (serviceDownTimeSec) the host is down.
      await silent.stop();
      c.t.clock.advance(61_000);
      await c.t.cloud.compute.gateway.heartbeat('healthy');
      const status = async (s: string) =>
        (await c.at('2.16', 'GET', `/servers/${s}`)).json().server.host_status as string;
      expect(await status(id)).toBe('UNKNOWN');

      await expectGoneAtOnce(c, id, [1, 1, 512]);
      await silent.start();
      await expect.poll(() => silent.runs(id), { timeout: 5000 }).toBe(false);

      // Disabled is not down: the agent tears the server down, as it always does.
      const off = await c.at('2.1', 'PUT', '/os-services/disable', {
        host: 'healthy',
        binary: 'nova-compute',
      });
      expect(off.statusCode, off.body).toBe(200);
      expect(await status(other)).toBe('MAINTENANCE');
      expect((await c.remove(other)).statusCode).toBe(204);
      await waitForServer(c.t, c.admin, other, 'DELETED');
      expect(await healthy.runs(other)).toBe(false);
      expect(await c.allocations(other)).toEqual({});
      expect(await c.usage()).toEqual([0, 0, 0]);
      expect(await c.deleteEvents(other)).toMatchObject([
        { event: 'compute_terminate_instance', result: 'Success' },
      ]);
    } finally {
      for (const h of c.hosts) await h.stop();
      await c.t.close();
    }
  });

  it('leaves a delete on an up host to its agent; once the host is down a second DELETE finishes it', async () => {
    const c = await setUp(dialect, []);
    try {
      // Registered and heartbeating recently, but no agent acts there.
      await c.t.cloud.compute.gateway.registerHost(silentHost('hung'));
      const id = await c.boot('hung');
      await expect
        .poll(async () => (await serverStatus(c.t, c.admin, id)).body['OS-EXT-STS:task_state'], {
          timeout: 5000,
        })
        .toBe('spawning');

      expect((await c.remove(id)).statusCode).toBe(204);
      const waiting = await serverStatus(c.t, c.admin, id);
      expect(waiting.status).toBe(200);
      expect(waiting.body['OS-EXT-STS:task_state']).toBe('deleting');
      expect(Object.keys(await c.allocations(id))).toHaveLength(1);
      expect(await c.usage()).toEqual([1, 1, 512]);
      expect(await c.deleteEvents(id)).toEqual([]);

      await c.forceDown('hung', true);
      await expectGoneAtOnce(c, id, [0, 0, 0]);
    } finally {
      await c.t.close();
    }
  });

  it('releases the claim a resize holds on its source when the resized server goes', async () => {
    const c = await setUp(dialect, ['rz-1', 'rz-2'], 'rz');
    try {
      const large = await createFlavor(c.t, c.admin, { name: 'large', vcpus: 2, ram: 1024, disk: 1 });
      const resized = async () => {
        const id = await c.boot('rz');
        await waitForServer(c.t, c.admin, id, 'ACTIVE');
        const res = await c.at('2.1', 'POST', `/servers/${id}/action`, { resize: { flavorRef: large } });
        expect(res.statusCode, res.body).toBe(202);
        const s = await waitForServer(c.t, c.admin, id, 'VERIFY_RESIZE');
        const m = await c.t.cloud.store.db
          .selectFrom('migrations')
          .select('uuid')
          .where('server_id', '=', id)
          .executeTakeFirstOrThrow();
        expect(Object.keys(await c.allocations(m.uuid))).toHaveLength(1);
        return { id, host: s['OS-EXT-SRV-ATTR:host'] as string, migration: m.uuid };
      };
      const migrationStatus = async (id: string) =>
        (
          await c.t.cloud.store.db
            .selectFrom('migrations')
            .select('status')
            .where('server_id', '=', id)
            .executeTakeFirstOrThrow()
        ).status;

      // Through the agent of a live host.
      const live = await resized();
      expect((await c.remove(live.id)).statusCode).toBe(204);
      await waitForServer(c.t, c.admin, live.id, 'DELETED');
      expect(await c.allocations(live.id)).toEqual({});
      expect(await c.allocations(live.migration)).toEqual({});
      expect(await migrationStatus(live.id)).toBe('confirmed');

      // Locally, its host down.
      const stranded = await resized();
      // The host dies first: a live agent woken by the delete could finish it before the API does.
      await c.hosts.find((h) => h.hostname === stranded.host)!.stop();
      await c.forceDown(stranded.host, true);
      await expectGoneAtOnce(c, stranded.id, [0, 0, 0]);
      expect(await c.allocations(stranded.migration)).toEqual({});
      expect(await migrationStatus(stranded.id)).toBe('confirmed');
    } finally {
      for (const h of c.hosts) await h.stop();
      await c.t.close();
    }
  });
});
