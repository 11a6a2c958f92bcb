import { atLeast } from '../../common/http/microversion.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { flavorActionBody } from './flavor-schemas.js';
import * as service from './flavor-access-service.js';
import { flavorAccessView } from './flavor-view.js';
import { flavorAccessResponse } from './flavor-response-schemas.js';

export const flavorAccessRoutes = [
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/flavors/:flavor_id/os-flavor-access',
    policy: 'os_compute_api:os-flavor-access',
    successStatus: 200,
    response: flavorAccessResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const id = ctx.params['flavor_id']!;
      return flavorAccessView(id, await service.listFlavorAccess(deps, id));
    },
  }),
  // The rule depends on the action named in the body, so the handler checks it.
  route<ComputeDeps, typeof flavorActionBody>({
    method: 'POST',
    url: '/v2.1/flavors/:flavor_id/action',
    body: flavorActionBody,
    successStatus: 200,
    response: flavorAccessResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      const id = ctx.params['flavor_id']!;
      const { addTenantAccess: add, removeTenantAccess: remove } = ctx.body;
      if (add !== undefined) {
        ctx.authorize('os_compute_api:os-flavor-access:add_tenant_access', {});
        return flavorAccessView(
          id,
          await service.addFlavorAccess(deps, id, add.tenant, atLeast(ctx.microversion, [2, 7])),
        );
      }
      ctx.authorize('os_compute_api:os-flavor-access:remove_tenant_access', {});
      return flavorAccessView(id, await service.removeFlavorAccess(deps, id, remove!.tenant));
    },
  }),
];
