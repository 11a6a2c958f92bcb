import { describe, expect, it } from 'vitest';
import { failTimedOutBuilds } from '../../../src/compute/agent-gateway/build-timeout.js';
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

/** A host that registered and then ran no agent: nothing ever builds there. */
async function untilSpawning(t: TestCloud, token: string, id: string): Promise<void> {
  await expect
    .poll(async () => (await serverStatus(t, token, id)).body['OS-EXT-STS:task_state'], { timeout: 5000 })
    .toBe('spawning');
}

describe.each(testDialects())('%s: build timeout', (dialect) => {
  it('puts a build stuck on a dead host in ERROR after buildTimeoutSec, releasing its claim', async () => {
    const t = await startTestCloud(dialect, { buildTimeoutSec: 600, serviceDownTimeSec: 60 });
    try {
      const admin = await t.adminToken();
      const compute = t.cloud.compute;
      await compute.gateway.registerHost(silentHost('dead'));
      await compute.gateway.registerHost(silentHost('alive'));
      const flavor = await createFlavor(t, admin, { name: 'unit', vcpus: 1, ram: 512, disk: 5 });
      const image = await createImage(t, admin, 'img');
      const boot = (zone: string) =>
        bootServer(t, admin, { name: zone, imageRef: image, flavorRef: flavor, availability_zone: zone });
      const stuck = await boot('dead');
      const slow = await boot('alive');
      await untilSpawning(t, admin, stuck);
      await untilSpawning(t, admin, slow);
      const allocations = async (id: string) =>
        (await t.request({ method: 'GET', url: `/placement/allocations/${id}`, token: admin })).json()
          .allocations as Record<string, unknown>;
      expect(Object.keys(await allocations(stuck))).toHaveLength(1);

      expect(await failTimedOutBuilds(compute.deps)).toEqual([]); // both hosts up
      t.clock.advance(120_000);
      await compute.gateway.heartbeat('alive');
      expect(await failTimedOutBuilds(compute.deps)).toEqual([]); // 'dead' is down, but not for long enough
      t.clock.advance(600_000);
      await compute.gateway.heartbeat('alive');
      expect(await failTimedOutBuilds(compute.deps)).toEqual([stuck]);

      const s = await waitForServer(t, admin, stuck, 'ERROR');
      expect(s['fault']).toMatchObject({
        code: 500,
        message: 'Instance build timed out. Set to error state.',
      });
      expect((s['fault'] as { details: string }).details).toContain('host dead is down');
      expect(await allocations(stuck)).toEqual({});
      // A build on a live host is its agent's business, however slow.
      expect((await serverStatus(t, admin, slow)).body['OS-EXT-STS:task_state']).toBe('spawning');
      // Nothing waits on the dead host: the server can be deleted at once.
      expect(
        (await t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${stuck}`, token: admin }))
          .statusCode,
      ).toBe(204);
      await waitForServer(t, admin, stuck, 'DELETED');
    } finally {
      await t.close();
    }
  });

  it('never times out a build when buildTimeoutSec is 0', async () => {
    const t = await startTestCloud(dialect, { buildTimeoutSec: 0 });
    try {
      const admin = await t.adminToken();
      await t.cloud.compute.gateway.registerHost(silentHost('dead'));
      const flavor = await createFlavor(t, admin, { name: 'unit', vcpus: 1, ram: 512, disk: 5 });
      const image = await createImage(t, admin, 'img');
      const id = await bootServer(t, admin, {
        name: 'forever',
        imageRef: image,
        flavorRef: flavor,
        availability_zone: 'dead',
      });
      await untilSpawning(t, admin, id);
      t.clock.advance(86_400_000);
      expect(await failTimedOutBuilds(t.cloud.compute.deps)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
