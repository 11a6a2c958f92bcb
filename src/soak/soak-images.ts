import { createHash, randomBytes } from 'node:crypto';
import type { Json } from './soak-api.js';
import { bodyIf } from './soak-api.js';
import type { SoakContext } from './soak-context.js';
import { deleteAcknowledged } from './soak-deletes.js';

/** Creates an image record; its id once a 201 acknowledged it. */
export async function createImage(ctx: SoakContext, name: string): Promise<string | undefined> {
  const json = { name, disk_format: 'raw', container_format: 'bare' };
  const reply = await ctx.api.call({ op: 'image create', method: 'POST', path: '/image/v2/images', json });
  const id = bodyIf(reply, 201)?.['id'];
  if (typeof id !== 'string') return undefined;
  ctx.ledger.acknowledge('image', id);
  return id;
}

/** Uploads `data`; on a 204 the ledger keeps its md5 (Glance's `checksum`) to compare at the end. */
export async function uploadImage(ctx: SoakContext, id: string, data: Buffer): Promise<boolean> {
  const path = `/image/v2/images/${id}/file`;
  const reply = await ctx.api.call({ op: 'image upload', method: 'PUT', path, raw: data });
  if (reply === 'lost' || reply.status !== 204) return false;
  const entry = ctx.ledger.acknowledge('image', id);
  entry.checksum = createHash('md5').update(data).digest('hex');
  return true;
}

/** Create, upload 64 KiB, and delete every other one (what is kept must survive every fault). */
export async function imageRound(ctx: SoakContext, name: string): Promise<void> {
  const id = await createImage(ctx, name);
  if (id === undefined) return;
  await uploadImage(ctx, id, randomBytes(64 * 1024));
  if (Math.random() < 0.5) return;
  await deleteAcknowledged(ctx, 'image', id, (c) => ctx.api.call(c), `/image/v2/images/${id}`);
}

/** Create a project in the default domain, and delete every other one. */
export async function projectRound(ctx: SoakContext, name: string): Promise<void> {
  const json = { project: { name, domain_id: 'default', description: 'strata soak' } };
  const reply = await ctx.api.call({
    op: 'project create',
    method: 'POST',
    path: '/identity/v3/projects',
    json,
  });
  const id = (bodyIf(reply, 201)?.['project'] as Json | undefined)?.['id'];
  if (typeof id !== 'string') return;
  ctx.ledger.acknowledge('project', id);
  if (Math.random() < 0.5) return;
  await deleteAcknowledged(ctx, 'project', id, (c) => ctx.api.call(c), `/identity/v3/projects/${id}`);
}
