import { route } from '../../common/http/route-spec.js';
import { respond } from '../../common/http/http-response.js';
import type { PlacementDeps } from '../placement-deps.js';
import { placementReply, rootPath, versionedBody } from '../placement-http.js';
import { atLeast, since } from '../placement-version.js';
import { resourceClassBody } from './resource-class-schemas.js';
import * as service from './resource-class-service.js';
import { resourceClassView } from './resource-class-view.js';

const body = versionedBody([[0, resourceClassBody]]);
const name = (ctx: { params: Readonly<Record<string, string>> }) => ctx.params['name']!;

export const resourceClassRoutes = [
  route<PlacementDeps>({
    method: 'GET',
    url: '/resource_classes',
    policy: 'placement:resource_classes:list',
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      since(ctx, 2);
      const names = await service.listResourceClasses(deps);
      return placementReply(ctx, { resource_classes: names.map((n) => resourceClassView(n, rootPath(ctx))) });
    },
  }),
  route<PlacementDeps>({
    method: 'POST',
    url: '/resource_classes',
    policy: 'placement:resource_classes:create',
    successStatus: 201,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      since(ctx, 2);
      const { name: created } = body<{ name: string }>(ctx);
      await service.createResourceClass(deps, created);
      return respond(undefined, {
        status: 201,
        headers: { location: `${ctx.serviceUrl}/resource_classes/${created}` },
      });
    },
  }),
  route<PlacementDeps>({
    method: 'GET',
    url: '/resource_classes/:name',
    policy: 'placement:resource_classes:show',
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      since(ctx, 2);
      return placementReply(
        ctx,
        resourceClassView(await service.showResourceClass(deps, name(ctx)), rootPath(ctx)),
      );
    },
  }),
  route<PlacementDeps>({
    method: 'PUT',
    url: '/resource_classes/:name',
    policy: 'placement:resource_classes:update',
    successStatus: 200,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      since(ctx, 2);
      if (atLeast(ctx, 7)) {
        const created = await service.ensureResourceClass(deps, name(ctx));
        const location = `${ctx.serviceUrl}/resource_classes/${name(ctx)}`;
        return respond(undefined, { status: created ? 201 : 204, headers: { location } });
      }
      const { name: to } = body<{ name: string }>(ctx);
      await service.renameResourceClass(deps, name(ctx), to);
      return placementReply(ctx, resourceClassView(to, rootPath(ctx)));
    },
  }),
  route<PlacementDeps>({
    method: 'DELETE',
    url: '/resource_classes/:name',
    policy: 'placement:resource_classes:delete',
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      since(ctx, 2);
      await service.deleteResourceClass(deps, name(ctx));
    },
  }),
];
