import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import {
  bootServer,
  createFlavor,
  createImage,
  silentHost,
  waitForServer,
} from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

const shape = { vcpus: 4, memoryMb: 4096, diskGb: 40 };

for (const dialect of testDialects()) {
  describe(`${dialect}: rescheduling a build that failed on its host`, () => {
    let t: TestCloud;
    let admin: string;
    let flavor: string;
    let image: string;
    const boot = (name: string, metadata: Record<string, string>) =>
      bootServer(t, admin, {
        name,
        imageRef: image,
        flavorRef: flavor,
        availability_zone: 'retry',
        metadata,
      });
    const get = async (url: string) =>
      (await t.request({ method: 'GET', url, token: admin })).json() as Record<string, unknown>;
    const allocationsOf = async (id: string) => (await get(`/placement/allocations/${id}`))['allocations'];
    const createEvents = async (id: string) => {
      const actions = (await get(`/compute/v2.1/servers/${id}/os-instance-actions`))[
        'instanceActions'
      ] as Array<{ action: string; request_id: string }>;
      const create = actions.find((a) => a.action === 'create')!;
      const a = await get(`/compute/v2.1/servers/${id}/os-instance-actions/${create.request_id}`);
      return (a['instanceAction'] as { events: Array<{ event: string; result: string; traceback: string }> })
        .events;
    };
    const attemptsOf = async (id: string) => {
      const row = await t.cloud.store.db
        .selectFrom('servers')
        .select('build_attempts')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return JSON.parse(row.build_attempts) as Array<{ host: string; failure?: string }>;
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      await t.cloud.compute.agents.addFakeHosts(4, shape, { prefix: 'retry', availabilityZone: 'retry' });
      flavor = await createFlavor(t, admin, { name: 'unit', vcpus: 1, ram: 512, disk: 5 });
      image = await createImage(t, admin, 'img');
    });
    afterAll(async () => t?.close());

    it('builds on the next host when the first fails transiently, its claim moved there', async () => {
      // Every host is empty, so the first choice is retry-0001 (ties go by hostname).
      const id = await boot('second-try', { 'fake:fail_create_on_host': 'retry-0001' });
      const s = await waitForServer(t, admin, id, 'ACTIVE');
      expect(s['OS-EXT-SRV-ATTR:host']).toBe('retry-0002');
      expect((await attemptsOf(id)).map((a) => [a.host, a.failure !== undefined])).toEqual([
        ['retry-0001', true],
        ['retry-0002', false],
      ]);
      const allocations = (await allocationsOf(id)) as Record<string, unknown>;
      expect(Object.keys(allocations)).toHaveLength(1);
      const events = await createEvents(id);
      expect(events.map((e) => e.result)).toEqual(['Error', 'Success']);
      expect(events[0]!.traceback).toContain('transient create failure on retry-0001');
      const usages = await usageByHost(t, admin);
      expect(usages['retry-0001']).toBe(0);
      expect(usages['retry-0002']).toBe(512);
      await t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${id}`, token: admin });
      await waitForServer(t, admin, id, 'DELETED');
    });

    it("gives up after 3 attempts with Nova's MaxRetriesExceeded fault and holds no allocation", async () => {
      const id = await boot('never', { 'fake:fail_create': 'transient' });
      const s = await waitForServer(t, admin, id, 'ERROR');
      const fault = s['fault'] as { code: number; message: string; details: string };
      const attempts = await attemptsOf(id);
      // Three different hosts (the cached views decide which), each failed, the last one named.
      expect(new Set(attempts.map((a) => a.host)).size).toBe(3);
      expect(attempts.every((a) => a.failure !== undefined)).toBe(true);
      expect(fault.code).toBe(500);
      expect(fault.message).toBe(
        `Exceeded maximum number of retries. Exceeded max scheduling attempts 3 for instance ${id}. ` +
          `Last exception: fake driver: injected transient create failure on ${attempts[2]!.host}`,
      );
      expect(s['OS-EXT-SRV-ATTR:host']).toBeNull();
      await expect.poll(() => allocationsOf(id), { timeout: 5000 }).toEqual({});
      expect((await createEvents(id)).map((e) => e.result)).toEqual(['Error', 'Error', 'Error']);
      expect(Object.values(await usageByHost(t, admin)).every((n) => n === 0)).toBe(true);
    });

    it('sends a terminal failure straight to ERROR, with no second host tried', async () => {
      const id = await boot('doomed', { 'fake:fail_create': 'terminal' });
      const s = await waitForServer(t, admin, id, 'ERROR');
      expect((s['fault'] as { message: string }).message).toBe(
        'fake driver: injected terminal create failure',
      );
      expect(await attemptsOf(id)).toHaveLength(1);
      await expect.poll(() => allocationsOf(id), { timeout: 5000 }).toEqual({});
    });
  });

  describe(`${dialect}: rescheduling with fewer hosts than attempts`, () => {
    it('ends in NoValidHost naming the hosts tried, and releases the last claim', async () => {
      const t = await startTestCloud(dialect);
      try {
        const admin = await t.adminToken();
        await t.cloud.compute.agents.addFakeHosts(2, shape, { prefix: 'pair', availabilityZone: 'pair' });
        const flavor = await createFlavor(t, admin, { name: 'unit', vcpus: 1, ram: 512, disk: 5 });
        const image = await createImage(t, admin, 'img');
        const id = await bootServer(t, admin, {
          name: 'two-hosts',
          imageRef: image,
          flavorRef: flavor,
          availability_zone: 'pair',
          metadata: { 'fake:fail_create': 'transient' },
        });
        const s = await waitForServer(t, admin, id, 'ERROR');
        const fault = s['fault'] as { message: string; details: string };
        expect(fault.message).toBe('No valid host was found. ');
        expect(fault.details).toMatch(/2 already tried/);
        expect(fault.details).toContain('build failed on pair-0001');
        expect(fault.details).toContain('build failed on pair-0002');
        await expect
          .poll(
            async () =>
              (await t.request({ method: 'GET', url: `/placement/allocations/${id}`, token: admin })).json()
                .allocations,
            { timeout: 5000 },
          )
          .toEqual({});
      } finally {
        await t.close();
      }
    });
  });
}

describe.each(testDialects())('%s: the hosts a build failed on, as the row records them', (dialect) => {
  it('keep a rescheduled build off them even where packing would send it back', async () => {
    const t = await startTestCloud(dialect, { schedulerStrategy: 'pack' });
    try {
      const admin = await t.adminToken();
      const gateway = t.cloud.compute.gateway;
      // Hosts with no agent: this test plays the agent and reports the build's outcome itself.
      for (const hostname of ['quiet-a', 'quiet-b'])
        await gateway.registerHost(silentHost(hostname, 'quiet'));
      const flavor = await createFlavor(t, admin, { name: 'unit', vcpus: 1, ram: 512, disk: 5 });
      const image = await createImage(t, admin, 'img');
      const id = await bootServer(t, admin, {
        name: 'quiet',
        imageRef: image,
        flavorRef: flavor,
        availability_zone: 'quiet',
      });
      const placed = async () => {
        await expect.poll(async () => (await row(t, id)).task_state, { timeout: 5000 }).toBe('spawning');
        return row(t, id);
      };
      const first = await placed();
      const failure = { kind: 'failed', message: 'host trouble', retryable: true } as const;
      expect(await gateway.report(first.host!, id, first.generation, failure)).toBe(true);
      // The failed host still holds the claim, so packing alone would choose it again.
      const second = await placed();
      expect(second.host).not.toBe(first.host);
      expect(JSON.parse(second.build_attempts)).toEqual([
        expect.objectContaining({ host: first.host, failure: 'host trouble' }),
        expect.objectContaining({ host: second.host }),
      ]);
    } finally {
      await t.close();
    }
  });
});

async function row(t: TestCloud, id: string) {
  return t.cloud.store.db
    .selectFrom('servers')
    .select(['task_state', 'host', 'generation', 'build_attempts'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

/** MEMORY_MB used per resource provider, by name. */
async function usageByHost(t: TestCloud, token: string): Promise<Record<string, number>> {
  const rps = (await t.request({ method: 'GET', url: '/placement/resource_providers', token })).json()
    .resource_providers as Array<{ uuid: string; name: string }>;
  const out: Record<string, number> = {};
  for (const rp of rps) {
    const u = await t.request({
      method: 'GET',
      url: `/placement/resource_providers/${rp.uuid}/usages`,
      token,
    });
    out[rp.name] = (u.json().usages as Record<string, number>)['MEMORY_MB'] ?? 0;
  }
  return out;
}
