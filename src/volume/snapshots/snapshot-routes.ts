import { atLeast } from '../../common/http/microversion.js';
import { nextPageLinks, parsePageRequest } from '../../common/http/pagination.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { noBody, route } from '../../common/http/route-spec.js';
import type { VolumeDeps } from '../volume-deps.js';
import { volumeCallerOf } from '../volume-caller.js';
import { parseBool, parseMetadata, parseOffset, parseSort } from '../volumes/volume-list-query.js';
import { parseCinderBoolean } from '../types/volume-type-schemas.js';
import { snapshotActionBody, snapshotCreateBody, snapshotUpdateBody } from './snapshot-schemas.js';
import { resetSnapshotStatus } from './snapshot-admin-actions.js';
import type { SnapshotListRequest } from './snapshot-service.js';
import {
  createSnapshot,
  deleteSnapshot,
  findSnapshot,
  listProjectSnapshots,
  snapshotNotFound,
  updateSnapshot,
} from './snapshot-service.js';
import type { SnapshotSortKey } from './snapshot-store.js';
import type { SnapshotViewContext } from './snapshot-view.js';
import { snapshotDetail, snapshotSummary } from './snapshot-view.js';
import {
  snapshotDetailListResponse,
  snapshotListResponse,
  snapshotShowResponse,
  snapshotWriteResponse,
} from './snapshot-response-schemas.js';

export const snapshotBase = '/v3/:project_id/snapshots';
const maxLimit = 1000;
const sortKeys: ReadonlyArray<SnapshotSortKey> = ['created_at', 'updated_at', 'id', 'size', 'status'];
const one = (v: unknown) => (Array.isArray(v) ? (v.at(-1) as string) : (v as string | undefined));

export const projectTarget = (ctx: RequestContext) => ({
  project_id: ctx.auth.projectId,
  user_id: ctx.auth.userId,
});
export const snapshotTarget = async (ctx: RequestContext, deps: VolumeDeps) => {
  const s = await findSnapshot(deps, volumeCallerOf(ctx), ctx.params['snapshot_id']!);
  return { project_id: s.projectId, user_id: s.userId };
};

function viewContext(ctx: RequestContext, extended: boolean): SnapshotViewContext {
  return {
    microversion: ctx.microversion,
    extendedAttributes:
      extended && ctx.can('volume_extension:extended_snapshot_attributes', projectTarget(ctx)),
  };
}

/**
 * Cinder's snapshot filters: status, volume_id, name, metadata (3.22). Sorting by name needs
 * 3.30, but Cinder's column name display_name sorts at every version.
 */
function listRequest(ctx: RequestContext): SnapshotListRequest {
  const q = ctx.query;
  const caller = volumeCallerOf(ctx);
  const allTenants = caller.isAdmin && ['1', 'true', 'True'].includes(one(q['all_tenants']) ?? '');
  const keys = [
    ...sortKeys,
    'display_name' as const,
    ...(atLeast(ctx.microversion, [3, 30]) ? ['name' as const] : []),
  ];
  const metadata = atLeast(ctx.microversion, [3, 22]) ? one(q['metadata']) : undefined;
  const [name, status, volumeId] = [one(q['name']), one(q['status']), one(q['volume_id'])];
  return {
    ...(!allTenants && { projectId: caller.projectId }),
    ...(name !== undefined && { name }),
    ...(status !== undefined && { status }),
    ...(volumeId !== undefined && { volumeId }),
    ...(metadata !== undefined && { metadata: parseMetadata(metadata) }),
    sort: parseSort(q, keys).map((s) => ({ ...s, key: s.key === 'display_name' ? 'name' : s.key })),
  };
}

async function list(ctx: RequestContext, deps: VolumeDeps, detailed: boolean) {
  const all = await listProjectSnapshots(deps, listRequest(ctx));
  const page = parsePageRequest(ctx.query, maxLimit);
  let start = 0;
  if (page.marker !== undefined) {
    start = all.findIndex((s) => s.id === page.marker) + 1;
    if (start === 0) throw snapshotNotFound(page.marker);
  }
  start += parseOffset(ctx.query);
  const items = all.slice(start, start + page.limit);
  const c = viewContext(ctx, true);
  const links = nextPageLinks(ctx.url, ctx.query, page, items);
  const withCount =
    atLeast(ctx.microversion, [3, 45]) &&
    ctx.query['with_count'] !== undefined &&
    parseBool('with_count', one(ctx.query['with_count']) ?? '');
  return {
    snapshots: items.map((s) => (detailed ? snapshotDetail(c, s) : snapshotSummary(s))),
    ...(links.length > 0 && { snapshots_links: links }),
    ...(withCount && { count: all.length }),
  };
}

const snapshotId = (ctx: RequestContext) => ctx.params['snapshot_id']!;

export const snapshotRoutes = [
  route<VolumeDeps>({
    method: 'GET',
    url: snapshotBase,
    policy: 'volume:get_all_snapshots',
    target: projectTarget,
    successStatus: 200,
    response: snapshotListResponse,
    expectedErrors: [404],
    handler: (ctx, deps) => list(ctx, deps, false),
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: `${snapshotBase}/detail`,
    policy: 'volume:get_all_snapshots',
    target: projectTarget,
    successStatus: 200,
    response: snapshotDetailListResponse,
    expectedErrors: [404],
    handler: (ctx, deps) => list(ctx, deps, true),
  }),
  route<VolumeDeps, typeof snapshotCreateBody>({
    method: 'POST',
    url: snapshotBase,
    policy: 'volume:create_snapshot',
    target: projectTarget,
    body: snapshotCreateBody,
    successStatus: 202,
    response: snapshotWriteResponse,
    expectedErrors: [404, 413],
    handler: async (ctx, deps) => {
      const b = ctx.body.snapshot;
      const s = await createSnapshot(deps, volumeCallerOf(ctx), {
        volumeId: b.volume_id,
        name: b.name ?? b.display_name ?? null,
        description: b.description ?? null,
        metadata: b.metadata ?? null,
        force: b.force === undefined ? false : parseCinderBoolean(b.force),
      });
      return { snapshot: snapshotDetail(viewContext(ctx, false), s) };
    },
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: `${snapshotBase}/:snapshot_id`,
    policy: 'volume:get_snapshot',
    target: snapshotTarget,
    successStatus: 200,
    response: snapshotShowResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      snapshot: snapshotDetail(
        viewContext(ctx, true),
        await findSnapshot(deps, volumeCallerOf(ctx), snapshotId(ctx)),
      ),
    }),
  }),
  route<VolumeDeps, typeof snapshotUpdateBody>({
    method: 'PUT',
    url: `${snapshotBase}/:snapshot_id`,
    policy: 'volume:update_snapshot',
    target: snapshotTarget,
    body: snapshotUpdateBody,
    successStatus: 200,
    response: snapshotWriteResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const b = ctx.body.snapshot;
      const name = b.name !== undefined ? b.name : b.display_name;
      const description = b.description !== undefined ? b.description : b.display_description;
      const s = await updateSnapshot(deps, volumeCallerOf(ctx), snapshotId(ctx), {
        ...(name !== undefined && { name }),
        ...(description !== undefined && { description }),
      });
      return { snapshot: snapshotDetail(viewContext(ctx, false), s) };
    },
  }),
  route<VolumeDeps>({
    method: 'DELETE',
    url: `${snapshotBase}/:snapshot_id`,
    policy: 'volume:delete_snapshot',
    target: snapshotTarget,
    successStatus: 202,
    response: noBody,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      await deleteSnapshot(deps, volumeCallerOf(ctx), snapshotId(ctx));
      return undefined;
    },
  }),
  route<VolumeDeps, typeof snapshotActionBody>({
    method: 'POST',
    url: `${snapshotBase}/:snapshot_id/action`,
    // Each action has its own admin rule, checked below.
    body: snapshotActionBody,
    successStatus: 202,
    response: noBody,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const target = await snapshotTarget(ctx, deps);
      const b = ctx.body;
      const caller = volumeCallerOf(ctx);
      if ('os-reset_status' in b) {
        ctx.authorize('volume_extension:snapshot_admin_actions:reset_status', target);
        await resetSnapshotStatus(deps, caller, snapshotId(ctx), b['os-reset_status'].status);
      } else {
        ctx.authorize('volume_extension:snapshot_admin_actions:force_delete', target);
        await deleteSnapshot(deps, caller, snapshotId(ctx), true);
      }
      return undefined;
    },
  }),
];
