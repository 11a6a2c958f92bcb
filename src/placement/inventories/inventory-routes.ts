import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import type { PlacementDeps } from '../placement-deps.js';
import { badRequest, conflict, notFound, placementCodes } from '../placement-errors.js';
import { placementReply, versionedBody } from '../placement-http.js';
import { atLeast, since } from '../placement-version.js';
import type { InventoryRecordJson } from './inventory-schemas.js';
import { inventoriesBody, inventoryCreateBody, inventoryUpdateBody } from './inventory-schemas.js';
import type { Inventories } from './inventory-service.js';
import * as service from './inventory-service.js';
import { inventoriesView, inventoryFromJson, inventoryView } from './inventory-view.js';

type Generation = { resource_provider_generation: number };
const putAll = versionedBody([[0, inventoriesBody]]);
const create = versionedBody([[0, inventoryCreateBody]]);
const update = versionedBody([[0, inventoryUpdateBody]]);

const uuid = (ctx: RequestContext) => ctx.params['uuid']!;
const rc = (ctx: RequestContext) => ctx.params['resource_class']!;
const opts = (ctx: RequestContext) => ({ reservedMayEqualTotal: atLeast(ctx, 26) });
const single = (ctx: RequestContext, p: service.ProviderInventories, cls: string) => ({
  ...inventoryView(p.inventories[cls]!),
  resource_provider_generation: p.generation,
});
const without = (inv: Inventories, cls: string): Inventories =>
  Object.fromEntries(Object.entries(inv).filter(([k]) => k !== cls));

/** GET, PUT and DELETE of one resource class's inventory. */
const singleClassRoutes = [
  route<PlacementDeps>({
    method: 'GET',
    url: '/resource_providers/:uuid/inventories/:resource_class',
    policy: 'placement:resource_providers:inventories:show',
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const p = await service.getInventories(deps, uuid(ctx));
      if (p.inventories[rc(ctx)] === undefined)
        throw notFound(`No inventory of class ${rc(ctx)} for ${uuid(ctx)}`);
      return placementReply(ctx, single(ctx, p, rc(ctx)));
    },
  }),
  route<PlacementDeps>({
    method: 'PUT',
    url: '/resource_providers/:uuid/inventories/:resource_class',
    policy: 'placement:resource_providers:inventories:update',
    successStatus: 200,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      const b = update<InventoryRecordJson & Generation>(ctx);
      const cls = rc(ctx);
      const mutate = (cur: Inventories): Inventories => {
        if (cur[cls] === undefined) {
          throw badRequest(
            `No inventory record with resource class for resource provider ${uuid(ctx)}: ${cls}`,
          );
        }
        return { ...cur, [cls]: inventoryFromJson(b) };
      };
      const p = await service.changeInventories(
        deps,
        uuid(ctx),
        b.resource_provider_generation,
        mutate,
        opts(ctx),
      );
      return placementReply(ctx, single(ctx, p, cls));
    },
  }),
  route<PlacementDeps>({
    method: 'DELETE',
    url: '/resource_providers/:uuid/inventories/:resource_class',
    policy: 'placement:resource_providers:inventories:delete',
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      const cls = rc(ctx);
      const mutate = (cur: Inventories): Inventories => {
        if (cur[cls] === undefined) throw notFound(`No inventory of class ${cls} found for delete`);
        return without(cur, cls);
      };
      await service.changeInventories(deps, uuid(ctx), undefined, mutate, opts(ctx));
    },
  }),
];

export const inventoryRoutes = [
  route<PlacementDeps>({
    method: 'GET',
    url: '/resource_providers/:uuid/inventories',
    policy: 'placement:resource_providers:inventories:list',
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      placementReply(ctx, inventoriesView(await service.getInventories(deps, uuid(ctx)))),
  }),
  route<PlacementDeps>({
    method: 'PUT',
    url: '/resource_providers/:uuid/inventories',
    policy: 'placement:resource_providers:inventories:update',
    successStatus: 200,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      const b = putAll<Generation & { inventories: Record<string, InventoryRecordJson> }>(ctx);
      const next = Object.fromEntries(
        Object.entries(b.inventories).map(([k, r]) => [k, inventoryFromJson(r)]),
      );
      const p = await service.changeInventories(
        deps,
        uuid(ctx),
        b.resource_provider_generation,
        () => next,
        opts(ctx),
      );
      return placementReply(ctx, inventoriesView(p));
    },
  }),
  route<PlacementDeps>({
    method: 'POST',
    url: '/resource_providers/:uuid/inventories',
    policy: 'placement:resource_providers:inventories:create',
    successStatus: 201,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      const b = create<InventoryRecordJson & Partial<Generation> & { resource_class: string }>(ctx);
      const cls = b.resource_class;
      const p = await service.changeInventories(
        deps,
        uuid(ctx),
        b.resource_provider_generation,
        (cur) => {
          if (cur[cls] !== undefined) {
            throw conflict(
              placementCodes.undefined,
              `Update conflict: Inventory for '${cls}' on resource provider '${uuid(ctx)}' already exists.`,
            );
          }
          return { ...cur, [cls]: inventoryFromJson(b) };
        },
        opts(ctx),
      );
      const location = `${ctx.serviceUrl}/resource_providers/${uuid(ctx)}/inventories/${cls}`;
      return placementReply(ctx, single(ctx, p, cls), { status: 201, location });
    },
  }),
  route<PlacementDeps>({
    method: 'DELETE',
    url: '/resource_providers/:uuid/inventories',
    policy: 'placement:resource_providers:inventories:delete',
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      since(ctx, 5);
      await service.changeInventories(deps, uuid(ctx), undefined, () => ({}), opts(ctx));
    },
  }),
  ...singleClassRoutes,
];
