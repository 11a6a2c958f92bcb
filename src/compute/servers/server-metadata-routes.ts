import { ConflictError, InputError, NotFoundError } from '../../common/errors.js';
import type { RequestContext, RouteSpec } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { enforceMetadataQuota } from '../quotas/quota-enforcement.js';
import { callerOf, serverTarget } from './server-caller.js';
import { metadataBody, metaItemBody } from './server-schemas.js';
import { checkLock, findServer } from './server-service.js';
import { updateServerIf } from './server-store.js';
import { metadataItemResponse, metadataResponse } from './server-item-response-schemas.js';

const url = '/v2.1/servers/:server_id/metadata';

/**
 * Replaces the server's metadata with `next` (a compare-and-set, so concurrent edits do not
 * interleave). A lost race, say with the agent reporting a build, reads the server again
 * and applies `next` to what is there now.
 */
async function writeMetadata(
  ctx: RequestContext,
  deps: ComputeDeps,
  next: (cur: Readonly<Record<string, string>>) => Record<string, string>,
) {
  for (let attempt = 1; ; attempt++) {
    const s = await findServer(deps, callerOf(ctx), ctx.params['server_id']!);
    checkLock(s, callerOf(ctx));
    const metadata = next(s.metadata);
    await enforceMetadataQuota(deps.store.db, s.projectId, Object.keys(metadata).length, deps.config);
    const won = await updateServerIf(
      deps.store.db,
      s.id,
      { generation: s.generation },
      { metadata: JSON.stringify(metadata) },
      deps.clock().toISOString(),
    );
    if (won) return metadata;
    if (attempt === 5)
      throw new ConflictError(
        'compute.server.concurrent',
        `Instance ${s.id} changed while its metadata was updated.`,
      );
  }
}

function key(ctx: RequestContext): string {
  return ctx.params['key']!;
}

export const serverMetadataRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps>({
    method: 'GET',
    url,
    policy: 'os_compute_api:server-metadata:index',
    target: serverTarget,
    successStatus: 200,
    response: metadataResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      metadata: (await findServer(deps, callerOf(ctx), ctx.params['server_id']!)).metadata,
    }),
  }),
  route<ComputeDeps, typeof metadataBody>({
    method: 'PUT',
    url,
    policy: 'os_compute_api:server-metadata:update_all',
    target: serverTarget,
    body: metadataBody,
    successStatus: 200,
    response: metadataResponse,
    expectedErrors: [403, 404, 409],
    handler: async (ctx, deps) => ({ metadata: await writeMetadata(ctx, deps, () => ctx.body.metadata) }),
  }),
  route<ComputeDeps, typeof metadataBody>({
    method: 'POST',
    url,
    policy: 'os_compute_api:server-metadata:create',
    target: serverTarget,
    body: metadataBody,
    successStatus: 200,
    response: metadataResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => ({
      metadata: await writeMetadata(ctx, deps, (cur) => ({ ...cur, ...ctx.body.metadata })),
    }),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${url}/:key`,
    policy: 'os_compute_api:server-metadata:show',
    target: serverTarget,
    successStatus: 200,
    response: metadataItemResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const s = await findServer(deps, callerOf(ctx), ctx.params['server_id']!);
      const value = s.metadata[key(ctx)];
      if (value === undefined)
        throw new NotFoundError('compute.metadata.not_found', 'Metadata item was not found');
      return { meta: { [key(ctx)]: value } };
    },
  }),
  route<ComputeDeps, typeof metaItemBody>({
    method: 'PUT',
    url: `${url}/:key`,
    policy: 'os_compute_api:server-metadata:update',
    target: serverTarget,
    body: metaItemBody,
    successStatus: 200,
    response: metadataItemResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      const entries = Object.entries(ctx.body.meta);
      if (entries.length !== 1 || entries[0]![0] !== key(ctx)) {
        throw new InputError('compute.metadata.key_mismatch', 'Request body and URI mismatch');
      }
      await writeMetadata(ctx, deps, (cur) => ({ ...cur, ...ctx.body.meta }));
      return { meta: ctx.body.meta };
    },
  }),
  route<ComputeDeps>({
    method: 'DELETE',
    url: `${url}/:key`,
    policy: 'os_compute_api:server-metadata:delete',
    target: serverTarget,
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      await writeMetadata(ctx, deps, (cur) => {
        if (cur[key(ctx)] === undefined)
          throw new NotFoundError('compute.metadata.not_found', 'Metadata item was not found');
        return Object.fromEntries(Object.entries(cur).filter(([k]) => k !== key(ctx)));
      });
    },
  }),
];
