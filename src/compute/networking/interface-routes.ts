import { attachTag, refuseAttachTag } from '../servers/server-attach-tags.js';
import { Type } from 'typebox';
import { noBody, route } from '../../common/http/route-spec.js';
import type { RouteSpec } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { callerOf, serverTarget } from '../servers/server-caller.js';
import { findServer } from '../servers/server-service.js';
import { attachInterface, detachInterface, listInterfaces, showInterface } from './interface-service.js';
import { interfaceListResponse, interfaceShowResponse } from './network-proxy-response-schemas.js';

const memberOrAdmin = 'rule:project_member_or_admin';
const readerOrAdmin = 'rule:project_reader_or_admin';
const url = '/v2.1/servers/:server_id/os-interface';

export const interfacePolicy: Readonly<Record<string, string>> = {
  'os_compute_api:os-attach-interfaces:list': readerOrAdmin,
  'os_compute_api:os-attach-interfaces:show': readerOrAdmin,
  'os_compute_api:os-attach-interfaces:create': memberOrAdmin,
  'os_compute_api:os-attach-interfaces:delete': memberOrAdmin,
};

/** Nova's interfaceAttachment body (tag from 2.49). */
const interfaceCreateBody = Type.Object(
  {
    interfaceAttachment: Type.Optional(
      Type.Object(
        {
          net_id: Type.Optional(Type.String({ format: 'uuid', description: 'Network to attach to.' })),
          port_id: Type.Optional(Type.String({ format: 'uuid', description: 'Port to attach.' })),
          fixed_ips: Type.Optional(
            Type.Array(
              Type.Object(
                { ip_address: Type.String({ description: 'Fixed IP.' }) },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: 1 },
            ),
          ),
          tag: attachTag,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const serverOf = (ctx: Parameters<RouteSpec<ComputeDeps>['handler']>[0], deps: ComputeDeps) =>
  findServer(deps, callerOf(ctx), ctx.params['server_id']!);

/** os-interface: a server's ports, hot-plugged and unplugged through the device seam. */
export const interfaceRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps>({
    method: 'GET',
    url,
    policy: 'os_compute_api:os-attach-interfaces:list',
    target: serverTarget,
    successStatus: 200,
    response: interfaceListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      interfaceAttachments: await listInterfaces(deps, await serverOf(ctx, deps)),
    }),
  }),
  route<ComputeDeps, typeof interfaceCreateBody>({
    method: 'POST',
    url,
    policy: 'os_compute_api:os-attach-interfaces:create',
    target: serverTarget,
    body: interfaceCreateBody,
    successStatus: 200,
    response: interfaceShowResponse,
    expectedErrors: [400, 403, 404, 409],
    handler: async (ctx, deps) => {
      const body = ctx.body.interfaceAttachment ?? {};
      const s = await serverOf(ctx, deps);
      refuseAttachTag(ctx.microversion, 'interfaceAttachment', body);
      return { interfaceAttachment: await attachInterface(deps, callerOf(ctx), s, body) };
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${url}/:port_id`,
    policy: 'os_compute_api:os-attach-interfaces:show',
    target: serverTarget,
    successStatus: 200,
    response: interfaceShowResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      interfaceAttachment: await showInterface(
        deps,
        callerOf(ctx),
        await serverOf(ctx, deps),
        ctx.params['port_id']!,
      ),
    }),
  }),
  route<ComputeDeps>({
    method: 'DELETE',
    url: `${url}/:port_id`,
    policy: 'os_compute_api:os-attach-interfaces:delete',
    target: serverTarget,
    successStatus: 202,
    response: noBody,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      await detachInterface(deps, await serverOf(ctx, deps), ctx.params['port_id']!);
      return undefined;
    },
  }),
];
