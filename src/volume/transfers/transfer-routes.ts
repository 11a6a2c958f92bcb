import { NotFoundError } from '../../common/errors.js';
import { atLeast, rejectFieldsBefore } from '../../common/http/microversion.js';
import { nextPageLinks, parsePageRequest } from '../../common/http/pagination.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { noBody, route } from '../../common/http/route-spec.js';
import { parseCinderBoolean } from '../types/volume-type-schemas.js';
import type { VolumeDeps } from '../volume-deps.js';
import { volumeCallerOf } from '../volume-caller.js';
import { parseSort } from '../volumes/volume-list-query.js';
import { transferAcceptBody, transferCreateBody } from './transfer-schemas.js';
import {
  acceptTransfer,
  cancelTransfer,
  createTransfer,
  findTransfer,
  listProjectTransfers,
  transferNotFound,
} from './transfer-service.js';
import type { TransferSortKey } from './transfer-store.js';
import type { TransferViewContext } from './transfer-view.js';
import { transferCreated, transferDetail, transferSummary } from './transfer-view.js';
import {
  transferAcceptResponse,
  transferCreateResponse,
  transferDetailListResponse,
  transferListResponse,
  transferShowResponse,
} from './transfer-response-schemas.js';

const maxLimit = 1000;
const sortKeys: ReadonlyArray<TransferSortKey> = ['created_at', 'id', 'name', 'volume_id'];
const one = (v: unknown) => (Array.isArray(v) ? (v.at(-1) as string) : (v as string | undefined));
const projectTarget = (ctx: RequestContext) => ({ project_id: ctx.auth.projectId, user_id: ctx.auth.userId });
const transferId = (ctx: RequestContext) => ctx.params['transfer_id']!;

/**
 * Cinder's two collections: `os-volume-transfer` (every version) and `volume-transfers`
 * (3.55, with no_snapshots; paging and sorting from 3.59).
 */
function collectionRoutes(collection: 'os-volume-transfer' | 'volume-transfers') {
  const base = `/v3/:project_id/${collection}`;
  const modern = collection === 'volume-transfers';
  const available = (ctx: RequestContext) => {
    if (modern && !atLeast(ctx.microversion, [3, 55]))
      throw new NotFoundError('volume.transfer.no_route', 'The resource could not be found.');
  };
  const viewContext = (ctx: RequestContext): TransferViewContext => ({
    serviceUrl: ctx.serviceUrl,
    projectId: ctx.params['project_id']!,
    microversion: ctx.microversion,
    collection,
  });
  const transferTarget = async (ctx: RequestContext, deps: VolumeDeps) => {
    available(ctx);
    const t = await findTransfer(deps, volumeCallerOf(ctx), transferId(ctx));
    return { project_id: t.sourceProjectId };
  };
  async function list(ctx: RequestContext, deps: VolumeDeps, detailed: boolean) {
    available(ctx);
    const caller = volumeCallerOf(ctx);
    const allTenants = caller.isAdmin && ['1', 'true', 'True'].includes(one(ctx.query['all_tenants']) ?? '');
    const paged = modern && atLeast(ctx.microversion, [3, 59]);
    const sort = paged ? parseSort<TransferSortKey>(ctx.query, sortKeys) : [];
    const all = await listProjectTransfers(deps, allTenants ? undefined : caller.projectId, sort);
    const page = paged ? parsePageRequest(ctx.query, maxLimit) : { limit: maxLimit, marker: undefined };
    let start = 0;
    if (page.marker !== undefined) {
      start = all.findIndex((t) => t.id === page.marker) + 1;
      if (start === 0) throw transferNotFound(page.marker);
    }
    const items = paged ? all.slice(start, start + page.limit) : all;
    const links = paged
      ? nextPageLinks(ctx.url, ctx.query, parsePageRequest(ctx.query, maxLimit), items)
      : [];
    const c = viewContext(ctx);
    return {
      transfers: items.map((t) => (detailed ? transferDetail(c, t) : transferSummary(c, t))),
      ...(links.length > 0 && { transfers_links: links }),
    };
  }
  return [
    route<VolumeDeps>({
      method: 'GET',
      url: base,
      policy: 'volume:get_all_transfers',
      target: projectTarget,
      successStatus: 200,
      response: transferListResponse,
      expectedErrors: [404],
      handler: (ctx, deps) => list(ctx, deps, false),
    }),
    route<VolumeDeps>({
      method: 'GET',
      url: `${base}/detail`,
      policy: 'volume:get_all_transfers',
      target: projectTarget,
      successStatus: 200,
      response: transferDetailListResponse,
      expectedErrors: [404],
      handler: (ctx, deps) => list(ctx, deps, true),
    }),
    route<VolumeDeps, typeof transferCreateBody>({
      method: 'POST',
      url: base,
      policy: 'volume:create_transfer',
      target: projectTarget,
      body: transferCreateBody,
      successStatus: 202,
      response: transferCreateResponse,
      expectedErrors: [404],
      handler: async (ctx, deps) => {
        available(ctx);
        const b = ctx.body.transfer;
        rejectFieldsBefore(ctx.microversion, [3, 55], 'transfer', b, ['no_snapshots']);
        const { transfer, authKey } = await createTransfer(deps, volumeCallerOf(ctx), {
          volumeId: b.volume_id,
          name: b.name ?? null,
          noSnapshots: b.no_snapshots === undefined ? false : parseCinderBoolean(b.no_snapshots),
        });
        return { transfer: transferCreated(viewContext(ctx), transfer, authKey) };
      },
    }),
    route<VolumeDeps>({
      method: 'GET',
      url: `${base}/:transfer_id`,
      policy: 'volume:get_transfer',
      target: transferTarget,
      successStatus: 200,
      response: transferShowResponse,
      expectedErrors: [404],
      handler: async (ctx, deps) => ({
        transfer: transferDetail(
          viewContext(ctx),
          await findTransfer(deps, volumeCallerOf(ctx), transferId(ctx)),
        ),
      }),
    }),
    route<VolumeDeps>({
      method: 'DELETE',
      url: `${base}/:transfer_id`,
      policy: 'volume:delete_transfer',
      target: transferTarget,
      successStatus: 202,
      response: noBody,
      expectedErrors: [404],
      handler: async (ctx, deps) => {
        await cancelTransfer(deps, volumeCallerOf(ctx), transferId(ctx));
        return undefined;
      },
    }),
    route<VolumeDeps, typeof transferAcceptBody>({
      method: 'POST',
      url: `${base}/:transfer_id/accept`,
      policy: 'volume:accept_transfer',
      // The accepting project is the caller's; the transfer belongs to another one.
      target: projectTarget,
      body: transferAcceptBody,
      successStatus: 202,
      response: transferAcceptResponse,
      expectedErrors: [404, 413],
      handler: async (ctx, deps) => {
        available(ctx);
        const t = await acceptTransfer(deps, volumeCallerOf(ctx), transferId(ctx), ctx.body.accept.auth_key);
        return { transfer: transferSummary(viewContext(ctx), t) };
      },
    }),
  ];
}

export const transferRoutes = [
  ...collectionRoutes('os-volume-transfer'),
  ...collectionRoutes('volume-transfers'),
];
