import type { Json } from './soak-api.js';
import { bodyIf } from './soak-api.js';
import type { SoakContext } from './soak-context.js';
import { sleep } from './soak-context.js';
import { deleteAcknowledged } from './soak-deletes.js';

/** Statuses a server passes through while a task runs; anything else is settled. */
const transient = new Set(['BUILD', 'REBOOT', 'HARD_REBOOT', 'RESIZE', 'MIGRATING', 'REBUILD']);

export type Settled = { readonly status: string } | 'gone' | 'stuck';

export function inTask(server: Json): boolean {
  const task = server['OS-EXT-STS:task_state'];
  return transient.has(String(server['status'])) || (task !== null && task !== undefined);
}

/**
 * Polls the server until no task runs on it (or, `untilGone`, until its 404). Longer than
 * the task timeout is a violation (the invariant "no server stuck in a task"); a 404 is `gone`.
 */
export async function waitSettled(ctx: SoakContext, id: string, untilGone = false): Promise<Settled> {
  const deadline = Date.now() + ctx.taskTimeoutMs;
  let last: Json | undefined;
  while (Date.now() < deadline) {
    const reply = await ctx.api.compute({ op: 'server show', method: 'GET', path: `/servers/${id}` });
    if (reply !== 'lost' && reply.status === 404) return 'gone';
    const server = bodyIf(reply, 200)?.['server'] as Json | undefined;
    if (server !== undefined) {
      last = server;
      if (!untilGone && !inTask(server)) return settledAs(ctx, server);
    }
    await sleep(500);
  }
  const where = last === undefined ? 'unknown' : `${last['status']}/${last['OS-EXT-STS:task_state']}`;
  const what = untilGone ? 'not gone after its delete' : 'stuck';
  ctx.tally.violation(`server ${id} ${what}: ${where} for more than ${ctx.taskTimeoutMs / 1000} s`);
  return 'stuck';
}

/** A settled server; one in ERROR is counted with its fault's message (no violation: a fault may cause it). */
function settledAs(ctx: SoakContext, server: Json): Settled {
  const status = String(server['status']);
  if (status === 'ERROR') {
    const fault = server['fault'] as Json | undefined;
    ctx.tally.outcome('server ERROR', `(e.g. ${String(fault?.['message'] ?? 'no fault message')})`);
  }
  return { status };
}

/** The next action for a settled server: stop or reboot a running one, start a stopped one. */
function nextAction(status: string): Json | undefined {
  if (status === 'ACTIVE') return Math.random() < 0.5 ? { 'os-stop': null } : { reboot: { type: 'SOFT' } };
  if (status === 'SHUTOFF') return { 'os-start': null };
  return undefined;
}

/** What a client boots: the image, and the flavor and zone when not the soak's defaults. */
export interface ServerKind {
  readonly imageRef: string;
  readonly flavorRef?: string;
  /** The zone of the host meant to run it (the agent's, or the control plane's `nova`). */
  readonly zone?: string;
}

async function create(ctx: SoakContext, name: string, kind: ServerKind): Promise<string | undefined> {
  const server = {
    name,
    imageRef: kind.imageRef,
    flavorRef: kind.flavorRef ?? ctx.setup.flavorId,
    networks: 'none',
    ...(kind.zone !== undefined && { availability_zone: kind.zone }),
  };
  const reply = await ctx.api.compute({
    op: 'server create',
    method: 'POST',
    path: '/servers',
    json: { server },
  });
  const id = (bodyIf(reply, 202)?.['server'] as Json | undefined)?.['id'];
  if (typeof id !== 'string') return undefined;
  ctx.ledger.acknowledge('server', id);
  return id;
}

/** Deletes the server (see deleteAcknowledged), then waits for the 404. */
export async function deleteServer(ctx: SoakContext, id: string): Promise<void> {
  if (await deleteAcknowledged(ctx, 'server', id, (c) => ctx.api.compute(c), `/servers/${id}`))
    await waitSettled(ctx, id, true);
}

/**
 * One server's life: create, up to three actions (stop, start, reboot) each waited out,
 * then delete. A reply that was lost or refused (409 while a task runs) just moves on:
 * the invariants at the end judge what was left.
 */
export async function serverRound(ctx: SoakContext, name: string, kind: ServerKind): Promise<void> {
  const id = await create(ctx, name, kind);
  if (id === undefined) return removeUnacknowledged(ctx, name);
  let settled = await waitSettled(ctx, id);
  for (let i = 0; i < 3 && typeof settled === 'object'; i++) {
    const action = nextAction(settled.status);
    if (action === undefined) break;
    const op = `server action ${Object.keys(action)[0]}`;
    await ctx.api.compute({ op, method: 'POST', path: `/servers/${id}/action`, json: action });
    settled = await waitSettled(ctx, id);
  }
  if (settled !== 'gone') await deleteServer(ctx, id);
}

/**
 * A create whose reply was lost may still have made the server: found by its (unique)
 * name and deleted, so lost replies do not fill the host over a long soak.
 */
async function removeUnacknowledged(ctx: SoakContext, name: string): Promise<void> {
  const path = `/servers?name=${encodeURIComponent(`^${name}$`)}`;
  const reply = await ctx.api.compute({ op: 'server list', method: 'GET', path });
  const found = (bodyIf(reply, 200)?.['servers'] as Json[] | undefined) ?? [];
  for (const server of found) await deleteServer(ctx, String(server['id']));
}

/**
 * A QEMU VM's life, kept short on CPU (each TCG boot costs seconds of it): create, then
 * hold it ACTIVE for up to `holdMs` (the window in which kill-qemu finds it idle; a VM the
 * power sync stopped meanwhile is started again), then delete.
 */
export async function vmRound(
  ctx: SoakContext,
  name: string,
  kind: ServerKind,
  holdMs: number,
): Promise<void> {
  const id = await create(ctx, name, kind);
  if (id === undefined) return removeUnacknowledged(ctx, name);
  let settled = await waitSettled(ctx, id);
  const until = Date.now() + holdMs;
  while (typeof settled === 'object' && settled.status === 'ACTIVE' && Date.now() < until) {
    await sleep(2000);
    settled = await waitSettled(ctx, id);
  }
  if (typeof settled === 'object' && settled.status === 'SHUTOFF') {
    await ctx.api.compute({
      op: 'server action os-start',
      method: 'POST',
      path: `/servers/${id}/action`,
      json: { 'os-start': null },
    });
    settled = await waitSettled(ctx, id);
  }
  if (settled !== 'gone') await deleteServer(ctx, id);
}
