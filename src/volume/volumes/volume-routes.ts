import { nextPageLinks, parsePageRequest } from '../../common/http/pagination.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { noBody, route } from '../../common/http/route-spec.js';
import type { VolumeDeps } from '../volume-deps.js';
import { volumeCallerOf } from '../volume-caller.js';
import { parseOffset, parseVolumeListQuery } from './volume-list-query.js';
import { volumeActionBody, volumeCreateBody, volumeCreateKeys, volumeUpdateBody } from './volume-schemas.js';
import { runVolumeAction } from './volume-actions.js';
import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import { rejectFieldsFrom } from '../../common/http/microversion.js';
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
import { volumeDetail, volumeShown, volumeSummary } from './volume-view.js';
import {
  volumeActionResponse,
  volumeDetailListResponse,
  volumeListResponse,
  volumeShowResponse,
  volumeSummaryResponse,
  volumeWriteResponse,
} from './volume-response-schemas.js';

export const volumeBase = '/v3/:project_id/volumes';
const base = volumeBase;

const one = (v: unknown) => (Array.isArray(v) ? (v.at(-1) as unknown) : v);

/** From 3.53 Cinder's create schema has additionalProperties false; before, unknown keys are ignored. */
function refuseUnknownKeys(v: Microversion | undefined, body: Readonly<Record<string, unknown>>): void {
  const extra = Object.keys(body).filter((k) => !volumeCreateKeys.includes(k));
  rejectFieldsFrom(v, [3, 53], 'volume', body, extra);
}
const maxLimit = 1000;

function viewContext(ctx: RequestContext, deps: VolumeDeps): VolumeViewContext {
  return {
    serviceUrl: ctx.serviceUrl,
    projectId: ctx.params['project_id']!,
    isAdmin: volumeCallerOf(ctx).isAdmin,
    microversion: ctx.microversion,
    serviceUuid: deps.serviceUuid,
  };
}

export const volumeTarget = async (ctx: RequestContext, deps: VolumeDeps) => {
  const v = await findVolume(deps, volumeCallerOf(ctx), ctx.params['volume_id']!);
  return { project_id: v.projectId, user_id: v.userId };
};
const projectTarget = (ctx: RequestContext) => ({ project_id: ctx.auth.projectId, user_id: ctx.auth.userId });

async function list(ctx: RequestContext, deps: VolumeDeps, detailed: boolean) {
  const query = parseVolumeListQuery(ctx.query, volumeCallerOf(ctx), ctx.microversion);
  const all = await listProjectVolumes(deps, query);
  const page = parsePageRequest(ctx.query, maxLimit);
  let start = parseOffset(ctx.query);
  if (page.marker !== undefined) {
    start = all.findIndex((v) => v.id === page.marker) + 1;
    if (start === 0) throw volumeNotFound(page.marker);
  }
  const items = all.slice(start, start + page.limit);
  const c = viewContext(ctx, deps);
  const links = nextPageLinks(ctx.url, ctx.query, page, items);
  const volumes = detailed
    ? (await withAttachments(deps, items)).map((v) => volumeShown(c, v))
    : items.map((v) => volumeSummary(c, v));
  return {
    volumes,
    ...(links.length > 0 && { volumes_links: links }),
    ...(query.withCount && { count: all.length }),
  };
}

/** Show answers with the extensions' attributes, update without them (as Cinder's do). */
async function shown(
  ctx: RequestContext,
  deps: VolumeDeps,
  id: string,
  view: (c: VolumeViewContext, v: VolumeWithAttachments) => object = volumeShown,
) {
  const v = await findVolume(deps, volumeCallerOf(ctx), id);
  const [full] = (await withAttachments(deps, [v])) as [VolumeWithAttachments];
  return { volume: view(viewContext(ctx, deps), full) };
}

/** GET /volumes/summary (3.12): count and GiB of the volumes a list would show; metadata values from 3.36. */
async function summary(ctx: RequestContext, deps: VolumeDeps) {
  if (!atLeast(ctx.microversion, [3, 12])) throw volumeNotFound('summary');
  const all = await listProjectVolumes(
    deps,
    parseVolumeListQuery(ctx.query, volumeCallerOf(ctx), ctx.microversion),
  );
  const metadata: Record<string, string[]> = {};
  for (const v of all)
    for (const [k, val] of Object.entries(v.metadata))
      if (!(metadata[k] ?? []).includes(val)) metadata[k] = [...(metadata[k] ?? []), val];
  return {
    'volume-summary': {
      total_size: all.reduce((n, v) => n + v.size, 0),
      total_count: all.length,
      ...(atLeast(ctx.microversion, [3, 36]) && { metadata }),
    },
  };
}

export const volumeRoutes = [
  route<VolumeDeps>({
    method: 'GET',
    url: `${base}/summary`,
    policy: 'volume:get_all',
    target: projectTarget,
    successStatus: 200,
    response: volumeSummaryResponse,
    expectedErrors: [404],
    handler: summary,
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: base,
    policy: 'volume:get_all',
    target: projectTarget,
    successStatus: 200,
    response: volumeListResponse,
    expectedErrors: [404],
    handler: (ctx, deps) => list(ctx, deps, false),
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: `${base}/detail`,
    policy: 'volume:get_all',
    target: projectTarget,
    successStatus: 200,
    response: volumeDetailListResponse,
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
    response: volumeWriteResponse,
    expectedErrors: [404, 413],
    handler: async (ctx, deps) => {
      const b = ctx.body.volume;
      refuseUnknownKeys(ctx.microversion, b);
      const v = await createVolume(deps, volumeCallerOf(ctx), {
        size: b.size === undefined || b.size === null ? null : Number(b.size),
        name: b.name ?? b.display_name ?? null,
        description: b.description ?? b.display_description ?? null,
        metadata: b.metadata ?? null,
        availabilityZone: b.availability_zone ?? null,
        volumeType: b.volume_type ?? null,
        snapshotId: b.snapshot_id ?? null,
        sourceVolid: b.source_volid ?? null,
        imageRef: b.imageRef ?? b.image_id ?? null,
      });
      return { volume: volumeDetail(viewContext(ctx, deps), { volume: v, attachments: [] }) };
    },
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: `${base}/:volume_id`,
    policy: 'volume:get',
    target: volumeTarget,
    successStatus: 200,
    response: volumeShowResponse,
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
    response: volumeWriteResponse,
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
      return shown(ctx, deps, ctx.params['volume_id']!, volumeDetail);
    },
  }),
  route<VolumeDeps>({
    method: 'DELETE',
    url: `${base}/:volume_id`,
    policy: 'volume:delete',
    target: volumeTarget,
    successStatus: 202,
    response: noBody,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const cascade = ['1', 't', 'true', 'on', 'y', 'yes'].includes(
        String(one(ctx.query['cascade']) ?? '').toLowerCase(),
      );
      await deleteVolume(deps, volumeCallerOf(ctx), ctx.params['volume_id']!, cascade);
      return undefined;
    },
  }),
  route<VolumeDeps, typeof volumeActionBody>({
    method: 'POST',
    url: `${base}/:volume_id/action`,
    // Each action has its own rule, checked in volume-actions.ts.
    body: volumeActionBody,
    successStatus: 202,
    response: volumeActionResponse,
    expectedErrors: [404, 413],
    handler: async (ctx, deps) => runVolumeAction(ctx, deps, await volumeTarget(ctx, deps)),
  }),
];
