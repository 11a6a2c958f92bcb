import { refuseAttachTag } from '../servers/server-attach-tags.js';
import { atLeast } from '../../common/http/microversion.js';
import { noBody, route } from '../../common/http/route-spec.js';
import type { RouteSpec } from '../../common/http/route-spec.js';
import type { VolumeApi } from '../../volume/index.js';
import type { ComputeDeps } from '../compute-deps.js';
import { callerOf, serverTarget } from '../servers/server-caller.js';
import { findServer } from '../servers/server-service.js';
import { volumeAttachmentCreateBody } from './volume-attachment-schemas.js';
import {
  attachVolume,
  detachVolume,
  findVolumeAttachment,
  serverVolumeAttachments,
} from './volume-attachment-service.js';
import { volumeAttachmentView } from './volume-attachment-view.js';
import {
  volumeAttachmentListResponse,
  volumeAttachmentShowResponse,
} from './volume-attachment-response-schemas.js';

const memberOrAdmin = 'rule:project_member_or_admin';
const readerOrAdmin = 'rule:project_reader_or_admin';
const url = '/v2.1/servers/:server_id/os-volume_attachments';

export const volumeAttachmentPolicy: Readonly<Record<string, string>> = {
  'os_compute_api:os-volumes-attachments:index': readerOrAdmin,
  'os_compute_api:os-volumes-attachments:show': readerOrAdmin,
  'os_compute_api:os-volumes-attachments:create': memberOrAdmin,
  'os_compute_api:os-volumes-attachments:delete': memberOrAdmin,
};

/** Nova's os-volume_attachments (swap, PUT, is not served), calling block storage in process. */
export function volumeAttachmentRoutes(volumes: VolumeApi): ReadonlyArray<RouteSpec<ComputeDeps>> {
  return [
    route<ComputeDeps>({
      method: 'GET',
      url,
      policy: 'os_compute_api:os-volumes-attachments:index',
      target: serverTarget,
      successStatus: 200,
      response: volumeAttachmentListResponse,
      expectedErrors: [404],
      handler: async (ctx, deps) => {
        const s = await findServer(deps, callerOf(ctx), ctx.params['server_id']!);
        const all = await serverVolumeAttachments(volumes, s.id);
        const offset = Math.max(0, Number(ctx.query['offset'] ?? 0) || 0);
        const limit =
          ctx.query['limit'] === undefined ? all.length : Math.max(0, Number(ctx.query['limit']) || 0);
        return { volumeAttachments: all.slice(offset, offset + limit).map(volumeAttachmentView) };
      },
    }),
    route<ComputeDeps, typeof volumeAttachmentCreateBody>({
      method: 'POST',
      url,
      policy: 'os_compute_api:os-volumes-attachments:create',
      target: serverTarget,
      body: volumeAttachmentCreateBody,
      successStatus: 200,
      response: volumeAttachmentShowResponse,
      expectedErrors: [404, 409],
      handler: async (ctx, deps) => {
        const caller = callerOf(ctx);
        const s = await findServer(deps, caller, ctx.params['server_id']!);
        const b = ctx.body.volumeAttachment;
        refuseAttachTag(ctx.microversion, 'volumeAttachment', b);
        const a = await attachVolume(deps, volumes, caller, s, b.volumeId, {
          ...(b.device != null && { device: b.device }),
          supportsMultiattach: atLeast(ctx.microversion, [2, 60]),
        });
        return { volumeAttachment: volumeAttachmentView(a) };
      },
    }),
    route<ComputeDeps>({
      method: 'GET',
      url: `${url}/:volume_id`,
      policy: 'os_compute_api:os-volumes-attachments:show',
      target: serverTarget,
      successStatus: 200,
      response: volumeAttachmentShowResponse,
      expectedErrors: [404],
      handler: async (ctx, deps) => {
        const s = await findServer(deps, callerOf(ctx), ctx.params['server_id']!);
        const a = await findVolumeAttachment(volumes, s.id, ctx.params['volume_id']!);
        return { volumeAttachment: volumeAttachmentView(a) };
      },
    }),
    route<ComputeDeps>({
      method: 'DELETE',
      url: `${url}/:volume_id`,
      policy: 'os_compute_api:os-volumes-attachments:delete',
      target: serverTarget,
      successStatus: 202,
      response: noBody,
      expectedErrors: [404, 409],
      handler: async (ctx, deps) => {
        const caller = callerOf(ctx);
        const s = await findServer(deps, caller, ctx.params['server_id']!);
        await detachVolume(deps, volumes, caller, s, ctx.params['volume_id']!);
        return undefined;
      },
    }),
  ];
}
