import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { computeCaller, createPersonas, expectFault, insertServer } from './compute-api-fixtures.js';

const missing = '00000000-0000-4000-8000-000000000000';

for (const dialect of testDialects()) {
  describe(`${dialect}: GET /servers/{id}/diagnostics on the fake driver`, () => {
    let t: TestCloud;
    let p: Personas;
    let call: ReturnType<typeof computeCaller>;
    let running: string;
    let stopped: string;
    const diagnostics = (id: string, token: string) => call('GET', `/servers/${id}/diagnostics`, token);

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
      call = computeCaller(t);
      const flavor = await createFlavor(t, p.admin, { name: 'm1.small', vcpus: 1, ram: 512, disk: 1 });
      const image = await createImage(t, p.admin, 'cirros');
      running = await bootServer(t, p.member, { name: 'diag', imageRef: image, flavorRef: flavor });
      stopped = await bootServer(t, p.member, { name: 'diag-off', imageRef: image, flavorRef: flavor });
      await waitForServer(t, p.member, running, 'ACTIVE');
      await waitForServer(t, p.member, stopped, 'ACTIVE');
      expect(
        (await call('POST', `/servers/${stopped}/action`, p.member, { 'os-stop': null })).statusCode,
      ).toBe(202);
      await waitForServer(t, p.member, stopped, 'SHUTOFF');
    });
    afterAll(async () => t?.close());

    it('gives an admin what the control plane knows of a running server', async () => {
      const res = await diagnostics(running, p.admin);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as Record<string, unknown>;
      // The fake driver's handle says nothing the API may show: the host's driver and the flavor do.
      expect(body).toMatchObject({
        driver: 'fake',
        power_state: 'running',
        cpu_count: 1,
        memory_mb: 512,
        disk_gb: 1,
      });
      expect(Object.keys(body).sort()).toEqual(
        ['cpu_count', 'disk_gb', 'driver', 'memory_mb', 'power_state', 'uptime'].sort(),
      );
      t.clock.advance(90_000);
      const later = (await diagnostics(running, p.admin)).json() as { uptime: number };
      expect(later.uptime - (body['uptime'] as number)).toBeGreaterThanOrEqual(90);
    });

    it('shows the facts a qemu driver reported with its handle, and nothing of its state', async () => {
      const handle = {
        workloadId: running,
        driver: 'qemu',
        stateVersion: 1,
        state: { pid: 77, workloadDir: '/somewhere' },
        diagnostics: { accelerator: 'tcg', cpu_count: 1, memory_mb: 512, disk_gb: 1, disk_format: 'qcow2' },
      };
      await t.cloud.store.db
        .updateTable('servers')
        .set({ workload_handle: JSON.stringify(handle) })
        .where('id', '=', running)
        .execute();
      const res = await diagnostics(running, p.admin);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        driver: 'qemu',
        accelerator: 'tcg',
        disk_format: 'qcow2',
        cpu_count: 1,
        memory_mb: 512,
        disk_gb: 1,
        power_state: 'running',
      });
      expect(res.json()).not.toHaveProperty('pid');
      expect(res.body).not.toContain('/somewhere');
    });

    it('refuses the project member and reader with 403 in Nova fault format', async () => {
      for (const token of [p.member, p.reader])
        expectFault(
          await diagnostics(running, token),
          403,
          'You are not authorized to perform the requested action: os_compute_api:os-server-diagnostics.',
        );
    });

    it('answers 404 for an unknown server, and for one in a project the caller cannot see', async () => {
      expectFault(await diagnostics(missing, p.admin), 404, `Instance ${missing} could not be found.`);
      expectFault(await diagnostics(missing, p.member), 404, `Instance ${missing} could not be found.`);
      expectFault(await diagnostics(running, p.other), 404, `Instance ${running} could not be found.`);
    });

    it('answers 409 for a server that is not running or has no host yet', async () => {
      expectFault(
        await diagnostics(stopped, p.admin),
        409,
        `Cannot 'get_diagnostics' instance ${stopped} while it is in power state shutdown`,
      );
      const unplaced = await insertServer(t, { projectId: p.projectId, vcpus: 1, ram: 512 });
      expectFault(await diagnostics(unplaced, p.admin), 409, `Instance ${unplaced} is not ready`);
    });
  });
}
