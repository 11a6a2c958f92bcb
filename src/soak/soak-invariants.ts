import type { Json } from './soak-api.js';
import { bodyIf } from './soak-api.js';
import type { FlavorSize, SoakContext } from './soak-context.js';
import { sleep } from './soak-context.js';
import { inTask } from './soak-servers.js';

/** The soak flavor's size: what placement must hold for every server on a host. */
async function must(ctx: SoakContext, op: string, path: string, compute = false): Promise<Json> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const call = { op, method: 'GET' as const, path };
    const reply = compute ? await ctx.api.compute(call) : await ctx.api.call(call);
    const body = bodyIf(reply, 200);
    if (body !== undefined) return body;
    await sleep(1000);
  }
  throw new Error(`${op}: no 200 from GET ${path}`);
}

export async function listServers(ctx: SoakContext): Promise<Json[]> {
  const body = await must(ctx, 'server list', '/servers/detail?all_tenants=1', true);
  return body['servers'] as Json[];
}

/** Waits (up to the task timeout) for every server to leave its task; those that do not are stuck. */
export async function checkNoneStuck(ctx: SoakContext): Promise<Json[]> {
  const deadline = Date.now() + ctx.taskTimeoutMs;
  for (;;) {
    const servers = await listServers(ctx);
    const busy = servers.filter(inTask);
    if (busy.length === 0) return servers;
    if (Date.now() > deadline) {
      for (const s of busy)
        ctx.tally.violation(
          `server ${s['id']} still in ${s['status']}/${s['OS-EXT-STS:task_state']} after the soak settled for ${ctx.taskTimeoutMs / 1000} s`,
        );
      return servers;
    }
    await sleep(1000);
  }
}

const resourceOf = { VCPU: 'vcpus', MEMORY_MB: 'ram', DISK_GB: 'disk' } as const;
const resourceEntries = Object.entries(resourceOf) as Array<[string, keyof FlavorSize]>;

async function placementUsage(ctx: SoakContext): Promise<Record<string, number>> {
  const list = await must(ctx, 'provider list', '/placement/resource_providers');
  const used: Record<string, number> = {};
  for (const p of list['resource_providers'] as Json[]) {
    const path = `/placement/resource_providers/${String(p['uuid'])}/usages`;
    const usages = (await must(ctx, 'provider usages', path))['usages'] as Record<string, number>;
    for (const [rc, n] of Object.entries(usages)) used[rc] = (used[rc] ?? 0) + n;
  }
  return used;
}

/** What the servers on a host must hold in placement: their flavors' sizes summed. */
export function expectedUsage(
  servers: ReadonlyArray<Json>,
  sizes: ReadonlyMap<string, FlavorSize>,
): { readonly usage: Record<string, number>; readonly unknown: string[] } {
  const usage: Record<string, number> = { VCPU: 0, MEMORY_MB: 0, DISK_GB: 0 };
  const unknown: string[] = [];
  for (const s of servers.filter((x) => x['OS-EXT-SRV-ATTR:host'] != null)) {
    const flavorId = String((s['flavor'] as Json | undefined)?.['id']);
    const size = sizes.get(flavorId);
    if (size === undefined) {
      unknown.push(`server ${s['id']} has flavor ${flavorId}, not one of the soak's`);
      continue;
    }
    for (const [rc, field] of resourceEntries) usage[rc] = (usage[rc] ?? 0) + size[field];
  }
  return { usage, unknown };
}

/** How placement's usage differs from what the placed servers take; empty when equal. */
function usageMismatch(used: Record<string, number>, want: Record<string, number>, placed: number): string[] {
  return Object.keys(resourceOf)
    .filter((rc) => (used[rc] ?? 0) !== want[rc])
    .map(
      (rc) =>
        `placement ${rc} usage is ${used[rc] ?? 0}, but the ${placed} servers on a host take ${want[rc]}`,
    );
}

/**
 * Placement's usage, summed over every provider, must be the flavors of the servers on a
 * host. Asked again for a few seconds first: a delete frees its allocation just after
 * the server is gone from the list.
 */
export async function checkPlacement(ctx: SoakContext, servers: Json[]): Promise<void> {
  const placed = servers.filter((s) => s['OS-EXT-SRV-ATTR:host'] != null).length;
  const want = expectedUsage(servers, ctx.setup.flavorSizes);
  for (const u of want.unknown) ctx.tally.violation(u);
  let mismatch: string[] = [];
  for (let attempt = 0; attempt < 10; attempt++) {
    mismatch = usageMismatch(await placementUsage(ctx), want.usage, placed);
    if (mismatch.length === 0) return;
    await sleep(1000);
  }
  for (const m of mismatch) ctx.tally.violation(m);
}

/** Every id a 2xx acknowledged is still there, with its data; every acknowledged delete stayed deleted. */
export async function checkAcknowledged(ctx: SoakContext): Promise<number> {
  let checked = 0;
  for (const e of ctx.ledger.entries()) {
    const path = {
      server: `/compute/v2.1/servers/${e.id}`,
      image: `/image/v2/images/${e.id}`,
      project: `/identity/v3/projects/${e.id}`,
    }[e.kind];
    const reply = await ctx.api.call({ op: `${e.kind} show`, method: 'GET', path });
    if (reply === 'lost') {
      ctx.tally.violation(`${e.kind} ${e.id}: no answer when checked`);
      continue;
    }
    checked++;
    const want = e.deleted ? 404 : 200;
    if (reply.status !== want) {
      const what = e.deleted ? 'deleted (204) but still there' : 'acknowledged but missing';
      ctx.tally.violation(`${e.kind} ${e.id} ${what}: GET answered ${reply.status}`);
    } else if (e.checksum !== undefined && !e.deleted) {
      const image = JSON.parse(reply.body) as Json;
      if (image['checksum'] !== e.checksum)
        ctx.tally.violation(`image ${e.id}: acknowledged upload md5 ${e.checksum}, now ${image['checksum']}`);
    }
  }
  return checked;
}
