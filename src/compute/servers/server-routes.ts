import { accessIpColumns } from './server-access-ip.js';
import { respond } from '../../common/http/http-response.js';
import { atLeast, rejectFieldsBefore, rejectFieldsFrom } from '../../common/http/microversion.js';
import { checkNetworks } from './server-inputs.js';
import { checkDeviceTags } from './server-device-tags.js';
import { route } from '../../common/http/route-spec.js';
import type { RouteSpec } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { callerOf, projectTarget, serverTarget } from './server-caller.js';
import { createServers } from './server-create.js';
import { serverDiagnosticsRoutes } from './server-diagnostics-routes.js';
import { listServersRoute } from './server-list.js';
import { serverCreateBody, serverUpdateBody } from './server-schemas.js';
import { deleteServer, findServer } from './server-service.js';
import { getServerWithTags, updateServerIf } from './server-store.js';
import { serverCoreView, serverDetailView } from './server-view.js';
import { serverViewContext } from './server-view-context.js';
import {
  serverCreateResponse,
  serverDetailListResponse,
  serverListResponse,
  serverShowResponse,
  serverUpdateResponse,
} from './server-response-schemas.js';

const id = (ctx: { params: Readonly<Record<string, string>> }) => ctx.params['server_id']!;

export const serverRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/servers',
    policy: 'os_compute_api:servers:index',
    target: projectTarget,
    successStatus: 200,
    response: serverListResponse,
    expectedErrors: [],
    handler: (ctx, deps) => listServersRoute(ctx, deps, false),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/servers/detail',
    policy: 'os_compute_api:servers:detail',
    target: projectTarget,
    successStatus: 200,
    response: serverDetailListResponse,
    expectedErrors: [],
    handler: (ctx, deps) => listServersRoute(ctx, deps, true),
  }),
  route<ComputeDeps, typeof serverCreateBody>({
    method: 'POST',
    url: '/v2.1/servers',
    policy: 'os_compute_api:servers:create',
    target: projectTarget,
    body: serverCreateBody,
    successStatus: 202,
    response: serverCreateResponse,
    expectedErrors: [403, 409],
    handler: async (ctx, deps) => {
      rejectFieldsBefore(ctx.microversion, [2, 19], 'server', ctx.body.server, ['description']);
      rejectFieldsBefore(ctx.microversion, [2, 52], 'server', ctx.body.server, ['tags']);
      // 2.57: file injection is gone (user_data carries files now).
      rejectFieldsFrom(ctx.microversion, [2, 57], 'server', ctx.body.server, ['personality']);
      checkNetworks(ctx.body.server.networks, ctx.microversion);
      checkDeviceTags(ctx.body.server, ctx.microversion);
      const created = await createServers(deps, callerOf(ctx), ctx.requestId, ctx.body, {
        supportsMultiattach: atLeast(ctx.microversion, [2, 60]),
      });
      if (ctx.body.server.return_reservation_id === true) return { reservation_id: created.reservationId };
      const first = created.servers[0]!;
      const v = await serverViewContext(ctx, deps);
      return respond(
        {
          server: {
            id: first.id,
            links: serverDetailView(first, v).links,
            'OS-DCF:diskConfig': 'MANUAL',
            // As Nova: what the request named, the groups not being on ports yet.
            security_groups: ctx.body.server.security_groups ?? [{ name: 'default' }],
            adminPass: created.adminPass,
          },
        },
        { status: 202, headers: { location: `${ctx.serviceUrl}/v2.1/servers/${first.id}` } },
      );
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/servers/:server_id',
    policy: 'os_compute_api:servers:show',
    target: serverTarget,
    successStatus: 200,
    response: serverShowResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const s = await findServer(deps, callerOf(ctx), id(ctx));
      return { server: serverDetailView(s, await serverViewContext(ctx, deps, [s])) };
    },
  }),
  route<ComputeDeps, typeof serverUpdateBody>({
    method: 'PUT',
    url: '/v2.1/servers/:server_id',
    policy: 'os_compute_api:servers:update',
    target: serverTarget,
    body: serverUpdateBody,
    successStatus: 200,
    response: serverUpdateResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      const b = ctx.body.server;
      rejectFieldsBefore(ctx.microversion, [2, 19], 'server', b, ['description']);
      const s = await findServer(deps, callerOf(ctx), id(ctx));
      const set = {
        ...(b.name !== undefined && { name: b.name }),
        ...(b.description !== undefined && { description: b.description }),
        ...accessIpColumns(b),
      };
      await updateServerIf(
        deps.store.db,
        s.id,
        { generation: s.generation },
        set,
        deps.clock().toISOString(),
      );
      const updated = (await getServerWithTags(deps.store.db, s.id))!;
      return { server: serverCoreView(updated, await serverViewContext(ctx, deps, [updated]), false) };
    },
  }),
  route<ComputeDeps>({
    method: 'DELETE',
    url: '/v2.1/servers/:server_id',
    policy: 'os_compute_api:servers:delete',
    target: serverTarget,
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: (ctx, deps) => deleteServer(deps, callerOf(ctx), id(ctx), ctx.requestId),
  }),
  ...serverDiagnosticsRoutes,
];
