import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import type { PlacementDeps } from '../placement-deps.js';
import { notFound } from '../placement-errors.js';
import { placementReply, versionedBody } from '../placement-http.js';
import { since } from '../placement-version.js';
import { allocationWriteOf, consumerUuid } from './allocation-body.js';
import type { AllocationBodyJson } from './allocation-schemas.js';
import { postAllocationSchemas, putAllocationSchemas } from './allocation-schemas.js';
import * as service from './allocation-service.js';
import { consumerAllocationsView, providerAllocationsView } from './allocation-view.js';
import { writeAllocationsBatch } from './allocation-writer.js';

const putBody = versionedBody(putAllocationSchemas);
const postBody = versionedBody(postAllocationSchemas);
const consumer = (ctx: RequestContext) => ctx.params['consumer_uuid']!;

export const allocationRoutes = [
  route<PlacementDeps>({
    method: 'GET',
    url: '/allocations/:consumer_uuid',
    policy: 'placement:allocations:list',
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) =>
      placementReply(
        ctx,
        consumerAllocationsView(ctx, await service.getConsumerAllocations(deps, consumer(ctx))),
      ),
  }),
  route<PlacementDeps>({
    method: 'PUT',
    url: '/allocations/:consumer_uuid',
    policy: 'placement:allocations:update',
    successStatus: 204,
    expectedErrors: [409],
    handler: async (ctx, deps) => {
      const id = consumerUuid(consumer(ctx));
      await writeAllocationsBatch(deps, [allocationWriteOf(id, putBody<AllocationBodyJson>(ctx))]);
    },
  }),
  route<PlacementDeps>({
    method: 'DELETE',
    url: '/allocations/:consumer_uuid',
    policy: 'placement:allocations:delete',
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      const current = await service.getConsumerAllocations(deps, consumer(ctx));
      if (current.rows.length === 0) throw notFound(`No allocations for consumer '${consumer(ctx)}'`);
      await writeAllocationsBatch(deps, [
        { consumerId: consumer(ctx), projectId: '', userId: '', allocations: [] },
      ]);
    },
  }),
  route<PlacementDeps>({
    method: 'POST',
    url: '/allocations',
    policy: 'placement:allocations:manage',
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      since(ctx, 13);
      const b = postBody<Record<string, AllocationBodyJson>>(ctx);
      await writeAllocationsBatch(
        deps,
        Object.entries(b).map(([id, set]) => allocationWriteOf(consumerUuid(id), set)),
      );
    },
  }),
  route<PlacementDeps>({
    method: 'GET',
    url: '/resource_providers/:uuid/allocations',
    policy: 'placement:resource_providers:allocations:list',
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      placementReply(
        ctx,
        providerAllocationsView(ctx, await service.getProviderAllocations(deps, ctx.params['uuid']!)),
      ),
  }),
];
