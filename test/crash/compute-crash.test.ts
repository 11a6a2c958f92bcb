import { afterAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../support/http-client.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable, startStrata } from '../support/strata-process.js';

const env = {
  STRATA_FAKE_HOSTS: '4',
  STRATA_COMPUTE_QUOTA_DEFAULTS: 'instances=1000,cores=1000,ram=10000000',
};

/** Boots servers from 8 concurrent clients until `count` were sent or the server died. */
async function bootUntilKilled(
  c: HttpClient,
  s: StrataProcess,
  body: object,
  count: number,
  killAfterMs: number,
): Promise<string[]> {
  const accepted: string[] = [];
  let sent = 0;
  let alive = true;
  const worker = async () => {
    while (alive && sent < count) {
      sent++;
      try {
        const res = await c.call<{ server: { id: string } }>('POST', '/compute/v2.1/servers', {
          server: { ...body, name: `crash-${sent}` },
        });
        if (res.status === 202) accepted.push(res.json.server.id);
      } catch {
        alive = false;
      }
    }
  };
  const workers = Array.from({ length: 8 }, worker);
  await new Promise((r) => setTimeout(r, killAfterMs));
  await s.kill9();
  await Promise.all(workers);
  return accepted;
}

type ServerJson = Record<string, unknown> & { fault?: { message?: string } };

async function settleAll(c: HttpClient, timeoutMs: number): Promise<ServerJson[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const servers = (
      await c.call<{ servers: ServerJson[] }>('GET', '/compute/v2.1/servers/detail?all_tenants=1&limit=1000')
    ).json.servers as ServerJson[];
    const busy = servers.filter(
      (s) => !['ACTIVE', 'ERROR'].includes(String(s['status'])) || s['OS-EXT-STS:task_state'] !== null,
    );
    if (busy.length === 0 || Date.now() > until) return servers;
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Needs `npm run build` (scripts/test runs it first).
describe.skipIf(!builtCliAvailable())('kill -9 during a burst of 200 server creates', () => {
  const cleanups: Array<() => void> = [];
  afterAll(() => cleanups.forEach((c) => c()));

  it('ends every server ACTIVE or ERROR with a fault, with no allocation left behind', async () => {
    const first = await startStrata({ env });
    cleanups.push(() => first.cleanup());
    const c = new HttpClient(first.url);
    await c.login(first);
    const flavor = (
      await c.call<{ flavor: { id: string } }>('POST', '/compute/v2.1/flavors', {
        flavor: { name: 'slow', vcpus: 1, ram: 64, disk: 1 },
      })
    ).json.flavor.id;
    await c.call('POST', `/compute/v2.1/flavors/${flavor}/os-extra_specs`, {
      extra_specs: { 'fake:create_delay_ms': '200' },
    });
    const image = (
      await c.call('POST', '/image/v2/images', { name: 'img', disk_format: 'raw', container_format: 'bare' })
    ).json.id;
    expect(
      (
        await c.call(
          'PUT',
          `/image/v2/images/${image}/file`,
          Buffer.from('bytes'),
          'application/octet-stream',
        )
      ).status,
    ).toBe(204);

    const accepted = await bootUntilKilled(c, first, { imageRef: image, flavorRef: flavor }, 200, 1500);
    expect(accepted.length).toBeGreaterThan(20);

    const second = await startStrata({ dataDir: first.dataDir, env });
    const c2 = new HttpClient(second.url);
    await c2.login(second);
    const servers = await settleAll(c2, 60_000);
    const byId = new Map(servers.map((s) => [s['id'], s]));
    for (const id of accepted) expect(byId.has(id), `accepted server ${id} survives`).toBe(true);
    for (const s of servers) {
      expect(['ACTIVE', 'ERROR']).toContain(s['status']);
      expect(s['OS-EXT-STS:task_state']).toBeNull();
      if (s['status'] === 'ERROR') expect(s['fault']?.message).toBeTruthy();
    }
    const live = new Set(servers.map((s) => s['id']));
    const providers = (
      await c2.call<{ resource_providers: Array<{ uuid: string }> }>('GET', '/placement/resource_providers')
    ).json.resource_providers as Array<{ uuid: string }>;
    for (const p of providers) {
      const allocs = (
        await c2.call<{ allocations: Record<string, unknown> }>(
          'GET',
          `/placement/resource_providers/${p.uuid}/allocations`,
        )
      ).json.allocations as Record<string, unknown>;
      for (const consumer of Object.keys(allocs))
        expect(live.has(consumer), `allocation of ${consumer} has a live server`).toBe(true);
    }
    // An ACTIVE server holds one host's allocation; a build that failed released its claim.
    for (const s of servers) {
      const held = Object.keys(
        (
          await c2.call<{ allocations: Record<string, unknown> }>(
            'GET',
            `/placement/allocations/${String(s['id'])}`,
          )
        ).json.allocations,
      );
      expect(held, `allocations of ${String(s['status'])} server ${String(s['id'])}`).toHaveLength(
        s['status'] === 'ACTIVE' ? 1 : 0,
      );
    }
    expect(await second.stop()).toBe(0);
  });
});
