import { nextPageLinks, parsePageRequest } from '../../common/http/pagination.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import { parseVolumeListQuery } from './volume-list-query.js';
import { volumeCreateBody, volumeUpdateBody } from './volume-schemas.js';
import type { VolumeWithAttachments } from './volume-service.js';
import {
  createVolume,
  deleteVolume,
  findVolume,
  listProjectVolumes,
  updateVolume,
  volumeNotFound,
  withAttachments,
} from './volume-service.js';
import type { VolumeViewContext } from './volume-view.js';
import { volumeDetail, volumeSummary } from './volume-view.js';

const base = '/v3/:project_id/volumes';
const maxLimit = 1000;

export function volumeCallerOf(ctx: RequestContext): VolumeCaller {
  const a = ctx.auth;
  return { projectId: a.projectId ?? '', userId: a.userId, isAdmin: ctx.can('context_is_admin', {}) };
}

function viewContext(ctx: RequestContext): VolumeViewContext {
  return {
    serviceUrl: ctx.serviceUrl,
    projectId: ctx.params['project_id']!,
    isAdmin: volumeCallerOf(ctx).isAdmin,
  };
}

const volumeTarget = async (ctx: RequestContext, deps: VolumeDeps) => {
  const v = await findVolume(deps, volumeCallerOf(ctx), ctx.params['volume_id']!);
  return { project_id: v.projectId, user_id: v.userId };
};
const projectTarget = (ctx: RequestContext) => ({ project_id: ctx.auth.projectId, user_id: ctx.auth.userId });

async function list(ctx: RequestContext, deps: VolumeDeps, detailed: boolean) {
  const all = await listProjectVolumes(deps, parseVolumeListQuery(ctx.query, volumeCallerOf(ctx)));
  const page = parsePageRequest(ctx.query, maxLimit);
  let start = 0;
  if (page.marker !== undefined) {
    start = all.findIndex((v) => v.id === page.marker) + 1;
    if (start === 0) throw volumeNotFound(page.marker);
  }
  const items = all.slice(start, start + page.limit);
  const c = viewContext(ctx);
  const links = nextPageLinks(ctx.url, ctx.query, page, items);
  const volumes = detailed
    ? (await withAttachments(deps, items)).map((v) => volumeDetail(c, v))
    : items.map((v) => volumeSummary(c, v));
  return { volumes, ...(links.length > 0 && { volumes_links: links }) };
}

async function shown(ctx: RequestContext, deps: VolumeDeps, id: string) {
  const v = await findVolume(deps, volumeCallerOf(ctx), id);
  const [full] = (await withAttachments(deps, [v])) as [VolumeWithAttachments];
  return { volume: volumeDetail(viewContext(ctx), full) };
}

export const volumeRoutes = [
  route<VolumeDeps>({
    method: 'GET',
    url: base,
    policy: 'volume:get_all',
    target: projectTarget,
    successStatus: 200,
    expectedErrors: [404],
    handler: (ctx, deps) => list(ctx, deps, false),
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: `${base}/detail`,
    policy: 'volume:get_all',
    target: projectTarget,
    successStatus: 200,
    expectedErrors: [404],
    handler: (ctx, deps) => list(ctx, deps, true),
  }),
  route<VolumeDeps, typeof volumeCreateBody>({
    method: 'POST',
    url: base,
    policy: 'volume:create',
    target: projectTarget,
    body: volumeCreateBody,
    successStatus: 202,
    expectedErrors: [404, 413],
    handler: async (ctx, deps) => {
      const b = ctx.body.volume;
      const v = await createVolume(deps, volumeCallerOf(ctx), {
        size: Number(b.size),
        name: b.name ?? b.display_name ?? null,
        description: b.description ?? b.display_description ?? null,
        metadata: b.metadata ?? null,
        availabilityZone: b.availability_zone ?? null,
        volumeType: b.volume_type ?? null,
      });
      return { volume: volumeDetail(viewContext(ctx), { volume: v, attachments: [] }) };
    },
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: `${base}/:volume_id`,
    policy: 'volume:get',
    target: volumeTarget,
    successStatus: 200,
    expectedErrors: [404],
    handler: (ctx, deps) => shown(ctx, deps, ctx.params['volume_id']!),
  }),
  route<VolumeDeps, typeof volumeUpdateBody>({
    method: 'PUT',
    url: `${base}/:volume_id`,
    policy: 'volume:update',
    target: volumeTarget,
    body: volumeUpdateBody,
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const b = ctx.body.volume;
      const name = b.name !== undefined ? b.name : b.display_name;
      const description = b.description !== undefined ? b.description : b.display_description;
      await updateVolume(deps, volumeCallerOf(ctx), ctx.params['volume_id']!, {
        ...(name !== undefined && { name }),
        ...(description !== undefined && { description }),
        ...(b.metadata !== undefined && { metadata: b.metadata }),
      });
      return shown(ctx, deps, ctx.params['volume_id']!);
    },
  }),
  route<VolumeDeps>({
    method: 'DELETE',
    url: `${base}/:volume_id`,
    policy: 'volume:delete',
    target: volumeTarget,
    successStatus: 202,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      await deleteVolume(deps, volumeCallerOf(ctx), ctx.params['volume_id']!);
      return undefined;
    },
  }),
];
