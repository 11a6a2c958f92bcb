import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeHostShape } from '../agent/drivers/fake/fake-driver.js';
import { createTokenValidator } from '../identity/index.js';
import type { BenchProgress } from './benchmark.js';
import type { BenchCloud } from './bench-cloud.js';

/** What a compute benchmark boots with, made over HTTP the way an operator would. */
export interface ComputeSetup {
  /** http://127.0.0.1:<port>/compute/v2.1 */
  readonly computeUrl: string;
  /** Admin token, project-scoped to `admin`; clients reuse it as an SDK session does. */
  readonly token: string;
  readonly projectId: string;
  readonly flavorId: string;
  readonly imageId: string;
  /** When set, every server boots with one port on this network (the network service's API). */
  readonly networkId?: string;
}

/** The smallest useful server: 1 vCPU, 512 MB, 1 GB disk (Nova's m1.tiny less the RAM). */
export const benchFlavor = { vcpus: 1, ram: 512, disk: 1 } as const;

/**
 * A flavor, a public image with data (active), and quotas for twice `servers` servers on the
 * admin project (PUT os-quota-sets), so quota checks run as usual but never refuse.
 */
export async function prepareCompute(c: BenchCloud, servers: number): Promise<ComputeSetup> {
  const token = await c.issueAdminToken();
  const auth = await createTokenValidator(c.cloud.identity).validate(token);
  if (auth.projectId === undefined) throw new Error('the admin token has no project scope');
  const computeUrl = `${c.publicUrl}/compute/v2.1`;
  const headers = { 'x-auth-token': token };
  const flavor = await c.http.expect(200, {
    method: 'POST',
    url: `${computeUrl}/flavors`,
    headers,
    json: { flavor: { name: 'bench.tiny', ...benchFlavor } },
  });
  const image = await c.http.expect(201, {
    method: 'POST',
    url: `${c.publicUrl}/image/v2/images`,
    headers,
    json: { name: 'bench-image', disk_format: 'qcow2', container_format: 'bare', visibility: 'public' },
  });
  const imageId = (JSON.parse(image.body) as { id: string }).id;
  await c.http.expect(204, {
    method: 'PUT',
    url: `${c.publicUrl}/image/v2/images/${imageId}/file`,
    headers,
    raw: Buffer.from('bench image data'),
  });
  const room = servers * 2;
  const quota_set = { instances: room, cores: room * benchFlavor.vcpus, ram: room * benchFlavor.ram };
  await c.http.expect(200, {
    method: 'PUT',
    url: `${computeUrl}/os-quota-sets/${auth.projectId}`,
    headers,
    json: { quota_set },
  });
  const flavorId = (JSON.parse(flavor.body) as { flavor: { id: string } }).flavor.id;
  return { computeUrl, token, projectId: auth.projectId, flavorId, imageId };
}

/**
 * A network with a subnet large enough for a port per server (a /12) and a port quota of
 * twice `servers`, made over the network API; servers then boot with `networks: [{uuid}]`.
 */
export async function prepareNetwork(
  c: BenchCloud,
  setup: ComputeSetup,
  servers: number,
): Promise<ComputeSetup> {
  const url = `${c.publicUrl}/network/v2.0`;
  const headers = { 'x-auth-token': setup.token };
  const net = await c.http.expect(201, {
    method: 'POST',
    url: `${url}/networks`,
    headers,
    json: { network: { name: 'bench-net' } },
  });
  const networkId = (JSON.parse(net.body) as { network: { id: string } }).network.id;
  await c.http.expect(201, {
    method: 'POST',
    url: `${url}/subnets`,
    headers,
    json: { subnet: { network_id: networkId, cidr: '10.128.0.0/12', ip_version: 4 } },
  });
  await c.http.expect(200, {
    method: 'PUT',
    url: `${url}/quotas/${setup.projectId}`,
    headers,
    json: { quota: { port: servers * 2 } },
  });
  return { ...setup, networkId };
}

/** Starts `count` real agents on the fake driver; resolves to the seconds it took. */
export async function addBenchHosts(
  c: BenchCloud,
  count: number,
  shape: FakeHostShape,
  progress: BenchProgress,
  name: string,
): Promise<number> {
  progress(`${name}: starting ${count} fake hosts (real agents, in-memory driver)`);
  const t0 = performance.now();
  // resyncMs 0: no periodic full re-read, so the figures are the boot path itself.
  await c.cloud.compute.agents.addFakeHosts(count, shape, { prefix: 'bench', resyncMs: 0 });
  return (performance.now() - t0) / 1000;
}

export interface StateCounts {
  readonly active: number;
  readonly error: number;
  readonly total: number;
}

/** Servers per vm_state, read straight from the store: one cheap query, no API rendering. */
export async function serverStates(c: BenchCloud): Promise<StateCounts> {
  const rows = await c.cloud.store.db
    .selectFrom('servers')
    .select((eb) => ['vm_state', eb.fn.countAll<number>().as('n')])
    .where('deleted_at', 'is', null)
    .groupBy('vm_state')
    .execute();
  const of = (s: string) => Number(rows.find((r) => r.vm_state === s)?.n ?? 0);
  return { active: of('active'), error: of('error'), total: rows.reduce((n, r) => n + Number(r.n), 0) };
}

/**
 * Polls the store every `everyMs` until `expected` servers are ACTIVE; throws when one
 * goes to ERROR or nothing changes for `stallMs`. `onTick` sees each reading.
 */
export async function waitAllActive(
  c: BenchCloud,
  expected: number,
  opts: { readonly everyMs: number; readonly stallMs: number; readonly onTick?: (s: StateCounts) => void },
): Promise<void> {
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    const s = await serverStates(c);
    opts.onTick?.(s);
    if (s.error > 0) throw new Error(`${s.error} servers went to ERROR (${JSON.stringify(s)})`);
    if (s.active >= expected) return;
    if (s.active !== last) [last, lastChange] = [s.active, performance.now()];
    else if (performance.now() - lastChange > opts.stallMs)
      throw new Error(`stalled at ${s.active} of ${expected} ACTIVE (${JSON.stringify(s)})`);
    await sleep(opts.everyMs);
  }
}

/** Walks GET /servers/detail?limit=1000 by its next links; counts servers per status. */
export async function walkServerDetail(c: BenchCloud, s: ComputeSetup): Promise<Map<string, number>> {
  const statuses = new Map<string, number>();
  let url: string | undefined = `${s.computeUrl}/servers/detail?limit=1000`;
  while (url !== undefined) {
    const reply = await c.http.expect(200, { method: 'GET', url, headers: { 'x-auth-token': s.token } });
    const page = JSON.parse(reply.body) as {
      servers: Array<{ status: string }>;
      servers_links?: Array<{ rel: string; href: string }>;
    };
    for (const v of page.servers) statuses.set(v.status, (statuses.get(v.status) ?? 0) + 1);
    url = page.servers_links?.find((l) => l.rel === 'next')?.href;
  }
  return statuses;
}

/** Room for 2,000 1-vCPU/512 MB servers each (VCPU allocation ratio 4). */
export const bigHost = { vcpus: 512, memoryMb: 1_048_576, diskGb: 16_384 } as const;
/** Nova's multi-create: one POST /servers with min_count = max_count boots this many. */
const perRequest = 500;

/** Boots `servers` servers through the API (multi-create) and waits until all are ACTIVE. */
export async function bootServers(
  c: BenchCloud,
  s: ComputeSetup,
  servers: number,
  progress: BenchProgress,
  name: string,
): Promise<void> {
  progress(`${name}: booting ${servers} servers (POST /servers, max_count ${perRequest})`);
  for (let done = 0; done < servers; done += perRequest) {
    const count = Math.min(perRequest, servers - done);
    await c.http.expect(202, {
      method: 'POST',
      url: `${s.computeUrl}/servers`,
      headers: { 'x-auth-token': s.token },
      json: {
        server: {
          name: `${name}-${done}`,
          flavorRef: s.flavorId,
          imageRef: s.imageId,
          min_count: count,
          max_count: count,
        },
      },
    });
  }
  await waitAllActive(c, servers, { everyMs: 250, stallMs: 120_000 });
}
