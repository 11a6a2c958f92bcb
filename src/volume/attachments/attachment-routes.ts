import { InputError } from '../../common/errors.js';
import { rejectFieldsBefore } from '../../common/http/microversion.js';
import { parsePageRequest } from '../../common/http/pagination.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import { since } from '../discovery/volume-version.js';
import { volumeCallerOf } from '../volume-caller.js';
import type { VolumeDeps } from '../volume-deps.js';
import { parseSort } from '../volumes/volume-list-query.js';
import { attachmentActionBody, attachmentCreateBody, attachmentUpdateBody } from './attachment-schemas.js';
import {
  attachmentNotFound,
  completeAttachment,
  createAttachment,
  deleteAttachment,
  findAttachment,
  listAttachments,
  updateAttachment,
} from './attachment-service.js';
import { attachmentDetail, attachmentSummary } from './attachment-view.js';
import {
  attachmentDetailListResponse,
  attachmentListResponse,
  attachmentResponse,
} from './attachment-response-schemas.js';
import type { AttachmentSortKey } from './volume-attachment-store.js';

const base = '/v3/:project_id/attachments';
const maxLimit = 1000;
const one = (v: unknown): string | undefined =>
  Array.isArray(v) ? (v.at(-1) as string) : (v as string | undefined);

const projectTarget = (ctx: RequestContext) => ({ project_id: ctx.auth.projectId, user_id: ctx.auth.userId });

/** Sort keys as Cinder names the columns (instance_uuid is the server). */
const sortColumns: Readonly<Record<string, AttachmentSortKey>> = {
  created_at: 'created_at',
  id: 'id',
  attach_status: 'attach_status',
  status: 'attach_status',
  volume_id: 'volume_id',
  instance_uuid: 'server_id',
};

async function list(ctx: RequestContext, deps: VolumeDeps, detailed: boolean) {
  since(ctx.microversion, [3, 27]);
  const q = ctx.query;
  const caller = volumeCallerOf(ctx);
  const allTenants = caller.isAdmin && q['all_tenants'] !== undefined;
  const volumeId = one(q['volume_id']);
  const serverId = one(q['instance_id']);
  const status = one(q['attach_status']) ?? one(q['status']);
  const sort = parseSort(q, Object.keys(sortColumns)).map((s) => ({ key: sortColumns[s.key]!, dir: s.dir }));
  const all = await listAttachments(deps, {
    ...(!allTenants && { projectId: caller.projectId }),
    ...(volumeId !== undefined && { volumeId }),
    ...(serverId !== undefined && { serverId }),
    ...(status !== undefined && { attachStatus: status }),
    sort,
  });
  const page = parsePageRequest(q, maxLimit);
  let start = Math.max(0, Number(one(q['offset']) ?? 0) || 0);
  if (page.marker !== undefined) {
    start = all.findIndex((a) => a.id === page.marker) + 1;
    if (start === 0) throw attachmentNotFound(page.marker);
  }
  const items = all.slice(start, start + page.limit);
  // Cinder's attachment lists carry no paging links.
  return { attachments: items.map(detailed ? attachmentDetail : attachmentSummary) };
}

/** Cinder's /attachments (3.27): reserve, connect, complete (3.44) and delete volume attachments. */
export const attachmentRoutes = [
  route<VolumeDeps>({
    method: 'GET',
    url: base,
    policy: 'volume:get_all',
    target: projectTarget,
    successStatus: 200,
    response: attachmentListResponse,
    expectedErrors: [404],
    handler: (ctx, deps) => list(ctx, deps, false),
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: `${base}/detail`,
    policy: 'volume:get_all',
    target: projectTarget,
    successStatus: 200,
    response: attachmentDetailListResponse,
    expectedErrors: [404],
    handler: (ctx, deps) => list(ctx, deps, true),
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: `${base}/:attachment_id`,
    policy: 'volume:get',
    target: projectTarget,
    successStatus: 200,
    response: attachmentResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      since(ctx.microversion, [3, 27]);
      const a = await findAttachment(deps, volumeCallerOf(ctx), ctx.params['attachment_id']!);
      return { attachment: attachmentDetail(a) };
    },
  }),
  route<VolumeDeps, typeof attachmentCreateBody>({
    method: 'POST',
    url: base,
    policy: 'volume:attachment_create',
    target: projectTarget,
    body: attachmentCreateBody,
    successStatus: 200,
    response: attachmentResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      since(ctx.microversion, [3, 27]);
      const b = ctx.body.attachment;
      rejectFieldsBefore(ctx.microversion, [3, 54], 'attachment', b, ['mode']);
      if (!b.instance_uuid)
        throw new InputError(
          'volume.attachment.no_instance',
          "Must specify 'instance_uuid' to create attachment.",
        );
      const a = await createAttachment(deps, volumeCallerOf(ctx), {
        volumeId: b.volume_uuid,
        instanceId: b.instance_uuid,
        connector: b.connector ?? null,
        mode: b.mode ?? null,
      });
      return { attachment: attachmentDetail(a) };
    },
  }),
  route<VolumeDeps, typeof attachmentUpdateBody>({
    method: 'PUT',
    url: `${base}/:attachment_id`,
    policy: 'volume:attachment_update',
    target: projectTarget,
    body: attachmentUpdateBody,
    successStatus: 200,
    response: attachmentResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      since(ctx.microversion, [3, 27]);
      const id = ctx.params['attachment_id']!;
      const a = await updateAttachment(deps, volumeCallerOf(ctx), id, ctx.body.attachment.connector);
      return { attachment: attachmentDetail(a) };
    },
  }),
  route<VolumeDeps, typeof attachmentActionBody>({
    method: 'POST',
    url: `${base}/:attachment_id/action`,
    policy: 'volume:attachment_complete',
    target: projectTarget,
    body: attachmentActionBody,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      since(ctx.microversion, [3, 44]);
      await completeAttachment(deps, volumeCallerOf(ctx), ctx.params['attachment_id']!);
      return undefined;
    },
  }),
  route<VolumeDeps>({
    method: 'DELETE',
    url: `${base}/:attachment_id`,
    policy: 'volume:attachment_delete',
    target: projectTarget,
    successStatus: 200,
    response: attachmentListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      since(ctx.microversion, [3, 27]);
      await deleteAttachment(deps, volumeCallerOf(ctx), ctx.params['attachment_id']!);
      // Cinder answers with the attachments that shared the connection: none here.
      return { attachments: [] };
    },
  }),
];
